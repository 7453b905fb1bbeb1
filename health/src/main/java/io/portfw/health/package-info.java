/**
 * Health checking: active probes and passive ejection decide a {@code Backend}'s state;
 * they never pick. This module holds no code yet: active and passive checks are their own
 * piece of work (see the issue tracker), and until then every backend stays up unless the
 * operator says otherwise.
 */
package io.portfw.health;
