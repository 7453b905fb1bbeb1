/**
 * A running portfw: {@code PortfwRuntime}, the composition root of the data path, and the
 * {@code Reconciler}, which brings the running listeners and pools to a config (start is a
 * reload from an empty config). {@code RuntimeView} is what the admin endpoint may read.
 *
 * <p>May import: {@code tcp}, {@code udp}, {@code listener}, {@code upstream}, {@code observe}, {@code cluster}
 * (it creates the cluster member when the config has {@code cluster}).
 * Never {@code admin} or {@code cli}: they sit above it.
 */
package io.portfw.core.runtime;
