package dev.capmesh.compiler.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Cap'n Proto's field placement algorithm, which must match the reference compiler exactly so
 * that our messages decode with its schemas: fields are placed in ordinal order, each into the
 * smallest hole that fits; union members share space; a union gets its 16-bit discriminant when
 * its second member appears.
 *
 * <p>Offsets of data fields are in units of the field's own size; sizes are given as
 * {@code lg2(bits)} (0 = Bool, 3 = 8 bits ... 6 = 64 bits).
 */
final class StructLayout {
  private StructLayout() {}

  /** Up to one free hole of each size 2^0..2^5 bits; offsets in units of that size, 0 = none. */
  static final class Holes {
    final int[] holes = new int[6];

    /** Returns the offset of a free slot of size 2^lg, or -1. */
    int tryAllocate(int lg) {
      if (lg >= holes.length) {
        return -1;
      }
      if (holes[lg] != 0) {
        int result = holes[lg];
        holes[lg] = 0;
        return result;
      }
      int bigger = tryAllocate(lg + 1);
      if (bigger < 0) {
        return -1;
      }
      int result = bigger * 2;
      holes[lg] = result + 1;
      return result;
    }

    /** Records the holes left after placing a 2^lg field at the start of a 2^limit space. */
    void addHolesAtEnd(int lg, int offset, int limit) {
      while (lg < limit) {
        holes[lg] = offset;
        lg++;
        offset = (offset + 1) / 2;
      }
    }

    boolean tryExpand(int oldLg, int oldOffset, int factor) {
      if (factor == 0) {
        return true;
      }
      if (oldLg >= holes.length || holes[oldLg] != oldOffset + 1) {
        return false;
      }
      if (tryExpand(oldLg + 1, oldOffset >> 1, factor - 1)) {
        holes[oldLg] = 0;
        return true;
      }
      return false;
    }

    /** The size of the smallest hole of at least 2^lg, or -1. */
    int smallestAtLeast(int lg) {
      for (int i = lg; i < holes.length; i++) {
        if (holes[i] != 0) {
          return i;
        }
      }
      return -1;
    }
  }

  /** Somewhere fields can be added: the struct itself or a group inside a union. */
  abstract static class Scope {
    abstract void addVoid();

    abstract int addData(int lg);

    abstract int addPointer();

    abstract boolean tryExpandData(int oldLg, int oldOffset, int factor);
  }

  /** The struct's own sections. */
  static final class Top extends Scope {
    int dataWords;
    int pointers;
    final Holes holes = new Holes();

    @Override void addVoid() {}

    @Override int addData(int lg) {
      int hole = holes.tryAllocate(lg);
      if (hole >= 0) {
        return hole;
      }
      int offset = dataWords++ << (6 - lg);
      holes.addHolesAtEnd(lg, offset + 1, 6);
      return offset;
    }

    @Override int addPointer() {
      return pointers++;
    }

    @Override boolean tryExpandData(int oldLg, int oldOffset, int factor) {
      return holes.tryExpand(oldLg, oldOffset, factor);
    }
  }

  /** A union: space allocated in the parent scope, shared by the member groups. */
  static final class Union {
    final Scope parent;
    int groupCount;
    int discriminantOffset = -1;
    final List<int[]> dataLocations = new ArrayList<>(); // {lg, offset}
    final List<Integer> pointerLocations = new ArrayList<>();

    Union(Scope parent) {
      this.parent = parent;
    }

    boolean tryExpandLocation(int[] location, int newLg) {
      if (newLg <= location[0]) {
        return true;
      }
      if (parent.tryExpandData(location[0], location[1], newLg - location[0])) {
        location[1] >>= (newLg - location[0]);
        location[0] = newLg;
        return true;
      }
      return false;
    }

    int addNewDataLocation(int lg) {
      int offset = parent.addData(lg);
      dataLocations.add(new int[] {lg, offset});
      return offset;
    }

    int addNewPointerLocation() {
      int p = parent.addPointer();
      pointerLocations.add(p);
      return p;
    }

    void newGroupAddingFirstMember() {
      if (++groupCount == 2) {
        addDiscriminant();
      }
    }

    boolean addDiscriminant() {
      if (discriminantOffset < 0) {
        discriminantOffset = parent.addData(4);
        return true;
      }
      return false;
    }
  }

  /** One member of a union (a field alone, or a group): reuses the union's locations. */
  static final class Group extends Scope {
    final Union parent;
    final List<Usage> usages = new ArrayList<>();
    int pointerUsage;
    boolean hasMembers;

    Group(Union parent) {
      this.parent = parent;
    }

    /** How much of one of the union's data locations this group uses. */
    static final class Usage {
      boolean used;
      int lgUsed;
      final Holes holes = new Holes();

      int smallestHoleAtLeast(int[] location, int lg) {
        if (!used) {
          return lg <= location[0] ? location[0] : -1;
        } else if (lg >= lgUsed) {
          return lg < location[0] ? lg : -1;
        }
        int hole = holes.smallestAtLeast(lg);
        if (hole >= 0) {
          return hole;
        }
        return lgUsed < location[0] ? lgUsed : -1;
      }

      int allocateFromHole(int[] location, int lg) {
        int result;
        if (!used) {
          result = 0;
          used = true;
          lgUsed = lg;
        } else if (lg >= lgUsed) {
          holes.addHolesAtEnd(lgUsed, 1, lg);
          lgUsed = lg + 1;
          result = 1;
        } else {
          int hole = holes.tryAllocate(lg);
          if (hole >= 0) {
            result = hole;
          } else {
            result = 1 << (lgUsed - lg);
            holes.addHolesAtEnd(lg, result + 1, lgUsed);
            lgUsed += 1;
          }
        }
        return (location[1] << (location[0] - lg)) + result;
      }

      int tryAllocateByExpanding(Group group, int[] location, int lg) {
        if (!used) {
          if (group.parent.tryExpandLocation(location, lg)) {
            used = true;
            lgUsed = lg;
            return location[1] << (location[0] - lg);
          }
          return -1;
        }
        int newSize = Math.max(lgUsed, lg) + 1;
        if (tryExpandUsage(group, location, newSize)) {
          int result = holes.tryAllocate(lg);
          return (location[1] << (location[0] - lg)) + result;
        }
        return -1;
      }

      boolean tryExpand(Group group, int[] location, int oldLg, int oldOffset, int factor) {
        if (oldOffset == 0 && lgUsed == oldLg) {
          return tryExpandUsage(group, location, oldLg + factor);
        }
        return holes.tryExpand(oldLg, oldOffset, factor);
      }

      private boolean tryExpandUsage(Group group, int[] location, int desired) {
        if (desired > location[0] && !group.parent.tryExpandLocation(location, desired)) {
          return false;
        }
        holes.addHolesAtEnd(lgUsed, 1, desired);
        lgUsed = desired;
        return true;
      }
    }

    @Override void addVoid() {
      if (!hasMembers) {
        hasMembers = true;
        parent.newGroupAddingFirstMember();
      }
    }

    @Override int addData(int lg) {
      addVoid();
      int bestSize = Integer.MAX_VALUE;
      int best = -1;
      for (int i = 0; i < parent.dataLocations.size(); i++) {
        if (usages.size() == i) {
          usages.add(new Usage());
        }
        int hole = usages.get(i).smallestHoleAtLeast(parent.dataLocations.get(i), lg);
        if (hole >= 0 && hole < bestSize) {
          bestSize = hole;
          best = i;
        }
      }
      if (best >= 0) {
        return usages.get(best).allocateFromHole(parent.dataLocations.get(best), lg);
      }
      for (int i = 0; i < parent.dataLocations.size(); i++) {
        int result = usages.get(i).tryAllocateByExpanding(this, parent.dataLocations.get(i), lg);
        if (result >= 0) {
          return result;
        }
      }
      int result = parent.addNewDataLocation(lg);
      var usage = new Usage();
      usage.used = true;
      usage.lgUsed = lg;
      usages.add(usage);
      return result;
    }

    @Override int addPointer() {
      addVoid();
      if (pointerUsage < parent.pointerLocations.size()) {
        return parent.pointerLocations.get(pointerUsage++);
      }
      pointerUsage++;
      return parent.addNewPointerLocation();
    }

    @Override boolean tryExpandData(int oldLg, int oldOffset, int factor) {
      for (int i = 0; i < usages.size(); i++) {
        int[] location = parent.dataLocations.get(i);
        if (location[0] >= oldLg && oldOffset >> (location[0] - oldLg) == location[1]) {
          int localOffset = oldOffset - (location[1] << (location[0] - oldLg));
          return usages.get(i).tryExpand(this, location, oldLg, localOffset, factor);
        }
      }
      return false;
    }
  }
}
