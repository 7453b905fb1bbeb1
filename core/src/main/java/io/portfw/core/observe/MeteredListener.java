package io.portfw.core.observe;

/**
 * What the metrics read of one running listener: its counters, and whether it is UDP (which adds
 * datagram and session meters). Equal for the same counters and protocol, so the meters of a
 * listener are made anew only when it is bound anew as another protocol or with new counters.
 */
public record MeteredListener(ListenerCounters counters, boolean udp) {}
