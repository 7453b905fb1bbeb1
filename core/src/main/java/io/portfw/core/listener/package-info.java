/**
 * A running listener: its live settings ({@code LiveListener}, swapped in place by a reload), the
 * socket options it sets, the Netty transport (epoll or NIO), the listening sockets shared by the
 * event loops, and the errors of a bind.
 *
 * <p>May import: {@code filter} (a listener holds its door) and {@code observe}.
 */
package io.portfw.core.listener;
