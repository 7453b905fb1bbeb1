package io.portfw.balancing;

import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Smooth weighted round robin. When built, each group (primaries, backups) gets a schedule
 * of one full cycle in which a backend of weight w appears w times, spread evenly: the k-th
 * appearance of backend i is due at (2k+1)/2w of the cycle, earliest first, ties in config
 * order. Weights 3 and 1 give {@code a a b a}; equal weights cycle in config order. A pick
 * takes the next slot of a shared cursor, skipping backends that cannot take it now.
 *
 * <p>O(1) per pick when every backend is usable; building is O(L log n) for a cycle of length L
 * (the weights' sum after dividing by their gcd). Lock-free: concurrent picks get distinct slots.
 */
final class RoundRobin extends PrimariesFirst<RoundRobin.Schedule> {

  RoundRobin(List<Backend> backends) {
    this(backends, 0);
  }

  /** Starts at {@code position}: a pool rebuilt by a reload goes on where the old one was, not back at the first backend. */
  RoundRobin(List<Backend> backends, long position) {
    super(backends, members -> new Schedule(members, position));
  }

  /** How many slots the primaries' cycle has handed out. */
  long position() {
    return primaries().cursor.get();
  }

  @Override
  Backend pickIn(Schedule group, ClientContext client, Set<Backend> tried) {
    return group.next(tried);
  }

  /** One group's cycle and its cursor. */
  static final class Schedule {

    private final Backend[] members;
    private final Backend[] slots;
    private final AtomicLong cursor;

    Schedule(Backend[] members, long position) {
      this.members = members;
      this.slots = cycle(members);
      this.cursor = new AtomicLong(position);
    }

    Backend next(Set<Backend> tried) {
      int length = slots.length;
      for (int probe = 0; probe < length; probe++) {
        Backend b = slots[(int) Math.floorMod(cursor.getAndIncrement(), (long) length)];
        if (Candidates.eligible(b, tried) && admittedDuringSlowStart(b)) {
          return b;
        }
        if (probe == 1 && !Candidates.anyEligible(members, tried)) {
          return null; // skip a long scan when nothing in the group can take it
        }
      }
      // Every slot was refused, possibly only by the slow-start dice: take the first eligible.
      for (Backend b : members) {
        if (Candidates.eligible(b, tried)) {
          return b;
        }
      }
      return null;
    }

    /** A ramping backend keeps its slot with probability effective/full weight. */
    private static boolean admittedDuringSlowStart(Backend b) {
      int full = b.weight() * Backend.WEIGHT_SCALE;
      int effective = b.effectiveWeight();
      return effective >= full || ThreadLocalRandom.current().nextInt(full) < effective;
    }

    private static Backend[] cycle(Backend[] members) {
      int gcd = 0;
      for (Backend b : members) {
        gcd = gcd(gcd, b.weight());
      }
      if (gcd == 0) {
        return new Backend[0];
      }
      int length = 0;
      for (Backend b : members) {
        length += b.weight() / gcd;
      }
      // Entries: {index, k, weight}; due time (2k+1)/(2w) compared by cross-multiplying.
      PriorityQueue<int[]> due = new PriorityQueue<>((x, y) -> {
        long left = (2L * x[1] + 1) * y[2];
        long right = (2L * y[1] + 1) * x[2];
        return left != right ? Long.compare(left, right) : Integer.compare(x[0], y[0]);
      });
      for (int i = 0; i < members.length; i++) {
        int w = members[i].weight() / gcd;
        if (w > 0) {
          due.add(new int[] {i, 0, w});
        }
      }
      Backend[] slots = new Backend[length];
      for (int s = 0; s < length; s++) {
        int[] e = due.poll();
        slots[s] = members[e[0]];
        if (++e[1] < e[2]) {
          due.add(e);
        }
      }
      return slots;
    }

    private static int gcd(int a, int b) {
      return b == 0 ? a : gcd(b, a % b);
    }
  }
}
