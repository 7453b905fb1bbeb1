package io.portfw.core.observe;

/** One certificate a listener presents, for the expiry gauge: its file, and when it stops being valid. */
public record CertificateExpiry(String file, long notAfterEpochSeconds) {}
