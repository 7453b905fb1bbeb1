package io.portfw.balancing;

import java.util.List;
import java.util.Set;

/**
 * Consistent hashing of the client's IP address with a Maglev lookup table (Eisenbud et al.,
 * NSDI 2016): the same client reaches the same backend, and adding or removing one backend of
 * n moves only about 1/n of the clients. The table is built from the backends' addresses
 * alone, so an unchanged set of backends gives the same table after a reload.
 *
 * <p>Weights: a backend claims table slots in proportion to its weight. A backend that cannot
 * take the connection now (down, full, tried) is passed over by re-hashing the client a few
 * times, then by walking the table, so only that backend's clients move while it is away.
 *
 * <p>The table size is fixed (65,537 slots, more only past 655 backends): a size that followed
 * the backend count would rebuild the whole table when one is added. Backends fill it in the
 * order of their address hashes, so reordering the config moves nobody.
 *
 * <p>O(1) per pick in the common case; building is O(M) for a table of M slots.
 */
final class SourceHash extends PrimariesFirst<SourceHash.Table> {

  private static final int SMALL_TABLE = 65_537;
  private static final int LARGE_TABLE = 655_373;
  private static final int REHASHES = 8;
  private static final long GOLDEN = 0x9e3779b97f4a7c15L;

  SourceHash(List<Backend> backends) {
    super(backends, Table::new);
  }

  @Override
  Backend pickIn(Table group, ClientContext client, Set<Backend> tried) {
    return group.lookup(Hashing.hash(client.source().getAddress().getAddress(), 0), tried);
  }

  /** The Maglev table of one group. */
  static final class Table {

    private final Backend[] members;
    private final int[] slots;

    Table(Backend[] members) {
      this.members = members.clone();
      java.util.Arrays.sort(this.members, java.util.Comparator
          .comparingLong((Backend b) -> Hashing.hash(b.address().toString(), 0x5bd1e995L))
          .thenComparing(b -> b.address().toString()));
      this.slots = populate(this.members);
    }

    Backend lookup(long key, Set<Backend> tried) {
      if (slots.length == 0) {
        return null;
      }
      for (int attempt = 0; attempt <= REHASHES; attempt++) {
        long k = attempt == 0 ? key : Hashing.mix(key + attempt * GOLDEN);
        Backend b = members[slots[(int) Long.remainderUnsigned(k, slots.length)]];
        if (Candidates.eligible(b, tried)) {
          return b;
        }
      }
      if (!Candidates.anyEligible(members, tried)) {
        return null;
      }
      int start = (int) Long.remainderUnsigned(key, slots.length);
      for (int i = 1; i <= slots.length; i++) {
        Backend b = members[slots[(start + i) % slots.length]];
        if (Candidates.eligible(b, tried)) {
          return b;
        }
      }
      return null; // every eligible backend has weight 0 and so no slot
    }

    /** Index of the member owning each slot. */
    private static int[] populate(Backend[] members) {
      int n = members.length;
      int maxWeight = 0;
      for (Backend b : members) {
        maxWeight = Math.max(maxWeight, b.weight());
      }
      if (maxWeight == 0) {
        return new int[0];
      }
      int size = tableSize(n);
      long[] offset = new long[n];
      long[] skip = new long[n];
      long[] next = new long[n];
      long[] credit = new long[n];
      for (int i = 0; i < n; i++) {
        String name = members[i].address().toString();
        offset[i] = Long.remainderUnsigned(Hashing.hash(name, 0x5bd1e995L), size);
        skip[i] = Long.remainderUnsigned(Hashing.hash(name, 0x27d4eb2fL), size - 1) + 1;
      }
      int[] slots = new int[size];
      java.util.Arrays.fill(slots, -1);
      int filled = 0;
      while (true) {
        for (int i = 0; i < n; i++) {
          // Weighted Maglev: a member takes a turn each time its credit reaches the largest weight.
          credit[i] += members[i].weight();
          if (credit[i] < maxWeight) {
            continue;
          }
          credit[i] -= maxWeight;
          int c = (int) ((offset[i] + next[i] * skip[i]) % size);
          while (slots[c] >= 0) {
            next[i]++;
            c = (int) ((offset[i] + next[i] * skip[i]) % size);
          }
          slots[c] = i;
          next[i]++;
          if (++filled == size) {
            return slots;
          }
        }
      }
    }

    private static int tableSize(int members) {
      return 100L * members <= SMALL_TABLE ? SMALL_TABLE : LARGE_TABLE;
    }
  }
}
