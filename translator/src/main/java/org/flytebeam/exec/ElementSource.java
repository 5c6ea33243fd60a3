package org.flytebeam.exec;

import flyteidl.core.Literals.Literal;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Where the items of one mapped input come from: a list in the inputs (inline), or a reference the
 * workers read themselves (a JSON Lines blob, a file pattern, an offloaded literal), so that the
 * driver never holds the list. Elements are read by range, in index order, one reader per range.
 */
public interface ElementSource {

  /** The number of items. */
  long size();

  /**
   * Opens a reader of items {@code [start, end)}, in order.
   *
   * @throws IOException when the source cannot be read (missing, changed since the index pass)
   */
  Reader read(long start, long end) throws IOException;

  /** Items of a list held in memory. */
  static ElementSource inline(List<Literal> items) {
    return new ElementSource() {
      @Override
      public long size() {
        return items.size();
      }

      @Override
      public Reader read(long start, long end) {
        return new Reader() {
          private long next = start;

          @Override
          public Literal next() {
            if (next >= end) {
              throw new java.util.NoSuchElementException();
            }
            return items.get((int) next++);
          }

          @Override
          public void close() {}
        };
      }
    };
  }

  /** The items of one range, in order. */
  interface Reader extends Closeable {
    /**
     * The next item.
     *
     * @throws InvalidElementException when this item cannot be read as the input's type (e.g. a
     *     line that is not JSON): that element fails, the next one can still be read
     * @throws IOException when the source cannot be read any further
     */
    Literal next() throws InvalidElementException, IOException;

    /**
     * The next item as {@link #next} reads it, or, where the source reads it as one, as a primitive
     * value ({@link org.flytebeam.types.PrimitiveLiterals}: {@link Long}, {@link Double}, {@link
     * String}, {@link Boolean}) whose literal is that item: no literal is made for it.
     *
     * @throws InvalidElementException as {@link #next}
     * @throws IOException as {@link #next}
     */
    default Object nextValue() throws InvalidElementException, IOException {
      return next();
    }
  }
}
