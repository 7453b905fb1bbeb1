/**
 * TLS material: certificates and keys read from PEM files and checked (readable, the key matches,
 * in date), and the server contexts a listener presents, chosen by server name. Uses no other
 * room: the filter that terminates TLS, the runtime that reloads it and the {@code check} command
 * all come here.
 */
package io.portfw.core.tls;
