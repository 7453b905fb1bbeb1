/**
 * The portfw configuration: immutable records, loaded from JSON by {@link io.portfw.config.ConfigLoader}
 * with every error reported against its JSON path. Depends on Jackson and nothing of ours: the
 * balancing strategies a pool may name come from {@link io.portfw.config.BalanceNames} providers.
 */
package io.portfw.config;
