/**
 * The UDP listener: one verticle per event loop, a session per client address and port, each with
 * a connected socket of its own toward its backend, and the session table with idle expiry.
 *
 * <p>May import: {@code listener}, {@code filter}, {@code upstream}, {@code observe}.
 */
package io.portfw.core.udp;
