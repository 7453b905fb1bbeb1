/**
 * Health checking: active probes ({@link io.portfw.health.HealthChecks}) and passive ejection
 * ({@link io.portfw.health.OutlierDetector}) decide whether a {@code Backend} may take new
 * connections; they never pick. Every decision runs on one Vert.x context, so the state they
 * keep needs no locks; the data path only reports outcomes.
 */
package io.portfw.health;
