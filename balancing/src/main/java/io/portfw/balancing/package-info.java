/**
 * Live backends, immutable pool snapshots and the strategies that choose among them.
 * A strategy never opens a socket; it reads backend state and counters only.
 */
package io.portfw.balancing;
