/**
 * Moving bytes between two channels: half-close, resets, backpressure and the idle and fin
 * timeouts. Each direction's state lives in that direction's handler.
 *
 * <p>May import: {@code observe} and config records. It knows no pool, balancer or backend.
 */
package io.portfw.core.relay;
