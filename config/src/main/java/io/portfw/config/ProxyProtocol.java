package io.portfw.config;

/** The PROXY protocol versions portfw speaks (HAProxy's specification): v1 is text, v2 binary. */
public enum ProxyProtocol {
  V1,
  V2
}
