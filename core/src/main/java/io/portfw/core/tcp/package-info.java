/**
 * The TCP listener: one verticle per event loop ({@code TcpForwarder}) and one
 * {@code TcpConnection} per accepted connection, which carries it through the filters to a
 * backend and hands it to the relay.
 *
 * <p>May import: {@code listener}, {@code filter}, {@code upstream}, {@code relay}, {@code observe}.
 */
package io.portfw.core.tcp;
