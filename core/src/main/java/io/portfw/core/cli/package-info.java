/**
 * The command line: the picocli commands, the client of the admin API, signals (the one place for
 * {@code sun.misc.Signal}), the forwarding table, the demo, and {@code PortfwInstance}, which starts
 * the admin endpoint above the runtime.
 *
 * <p>May import everything in core. Nothing imports it.
 */
package io.portfw.core.cli;
