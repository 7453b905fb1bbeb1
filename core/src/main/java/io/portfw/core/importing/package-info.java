/**
 * {@code portfw import}: rules an operator already runs (an {@code ipmasqadm portfw} rc script, an
 * {@code /etc/rinetd.conf}, an haproxy.cfg, an nginx.conf stream block, ...) turned into a portfw
 * config, with a report of what each became.
 * Uses only the config module: the output is checked by the same loader {@code check} runs.
 */
package io.portfw.core.importing;
