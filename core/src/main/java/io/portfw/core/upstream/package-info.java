/**
 * Choosing and reaching a backend: one pick-and-acquire for TCP and UDP ({@code BackendPicks}),
 * connecting with retries for a {@code WaitingClient}, warm connections, the resolver of backend
 * host names, backends discovered from DNS records ({@code Discoveries}), and the PROXY header
 * sent to a backend.
 *
 * <p>May import: {@code listener} (socket options) and {@code observe}. Never {@code relay},
 * {@code tcp} or {@code udp}: they come to it.
 */
package io.portfw.core.upstream;
