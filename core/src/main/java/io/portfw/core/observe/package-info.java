/**
 * The shared vocabulary of what happened on the data path: a {@code Connection}'s record, how it
 * ended ({@code Ending}), why a client was refused ({@code Refusal}) or a datagram dropped
 * ({@code UdpDrop}), the counters of a listener, the access log, and the metrics
 * ({@code PortfwMeters} names every meter).
 *
 * <p>May import: config and balancing, health (for check statistics), Micrometer (and Netty's allocator, for its memory meters). No other room of
 * core: every room reports here, so this room reports to none.
 */
package io.portfw.core.observe;
