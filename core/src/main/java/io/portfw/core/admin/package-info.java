/**
 * The admin endpoint: the JSON API under {@code /api/v1}, {@code /metrics}, the dashboard, the
 * bearer token and the guard against browsers driving it.
 *
 * <p>May import: {@code runtime} (through {@code RuntimeView}) and {@code observe}. Never the data
 * path ({@code tcp}, {@code udp}, {@code upstream}).
 */
package io.portfw.core.admin;
