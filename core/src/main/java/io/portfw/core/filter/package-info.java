/**
 * What runs on a new connection before any backend is chosen: the door ({@code Admission}: acl,
 * limits, connection rate) and the first-bytes readers, which read the start of the stream with a
 * deadline and a size cap and then decide ({@code FirstBytesWait}): the PROXY header and the TLS
 * ClientHello. TLS termination will be the next filter.
 *
 * <p>May import: {@code observe}.
 */
package io.portfw.core.filter;
