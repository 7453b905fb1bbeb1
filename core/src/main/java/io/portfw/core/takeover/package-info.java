/**
 * Upgrade and restart without dropping a connection: a running portfw hands its listening sockets
 * and its runtime state to a new process over a unix socket in its state directory, then drains
 * and exits. Uses the runtime and the listener room; only the command line uses this room.
 */
package io.portfw.core.takeover;
