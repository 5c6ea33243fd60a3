package org.flytebeam.exec;

import com.google.protobuf.InvalidProtocolBufferException;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Types.LiteralType;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import org.flytebeam.types.LiteralTypeException;
import org.flytebeam.types.Literals;

/**
 * The items of a mapped input given as an offloaded literal ({@code Literal.offloaded_metadata}):
 * its {@code uri} holds a binary flyteidl {@code Literal} whose collection is the list, as
 * flytepropeller writes large lists. Such a file cannot be cut at byte boundaries, so one task of
 * the index pass streams through it ({@link #index}), skipping the items' bodies and noting where
 * every {@code stride}-th item starts; readers seek to the checkpoint before their range and parse
 * only its items.
 */
public final class OffloadedSource implements ElementSource, Serializable {
  private static final long serialVersionUID = 1L;

  /** Literal fields (literals.proto): the value oneof and what else a Literal holds. */
  private static final int SCALAR = 1;

  private static final int COLLECTION = 2;
  private static final int MAP = 3;
  private static final int OFFLOADED = 8;

  /** LiteralCollection.literals. */
  private static final int ITEMS = 1;

  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  private final String input;
  private final String uri;
  private final ItemType itemType;
  private final String indexFile;
  private final long size;
  private final long end;

  /**
   * @param input the input's name, for messages
   * @param uri the offloaded literal's file
   * @param itemType the type of one item
   * @param indexFile where the index pass wrote its checkpoints
   * @param index what the index pass found
   */
  public OffloadedSource(
      String input, String uri, LiteralType itemType, String indexFile, ChunkIndex index) {
    this.input = input;
    this.uri = uri;
    this.itemType = new ItemType(itemType);
    this.indexFile = indexFile;
    this.size = index.elements();
    this.end = index.end();
  }

  @Override
  public long size() {
    return size;
  }

  /**
   * Streams through the serialized Literal in {@code file}: finds its collection and notes where
   * every {@code stride}-th item starts. A file that is not a Literal holding a list is a problem
   * of the index, not an exception.
   */
  public static ChunkIndex index(String file, int stride) throws IOException {
    ChunkIndex.Builder index = new ChunkIndex.Builder(stride);
    long collectionEnd = -1;
    try (PositionedInput in = PositionedInput.open(file, 0)) {
      while (true) {
        long at = in.position();
        int tag = in.read();
        if (tag < 0) {
          break;
        }
        long key = continueVarint(in, tag);
        int field = (int) (key >>> 3);
        int wire = (int) (key & 7);
        if (field == COLLECTION && wire == LENGTH_DELIMITED) {
          if (collectionEnd >= 0) {
            return ChunkIndex.failed("it holds two collections at bytes " + at + ": not a Literal");
          }
          long length = in.readVarint();
          collectionEnd = in.position() + length;
          while (in.position() < collectionEnd) {
            long itemStart = in.position();
            long itemKey = in.readVarint();
            if ((int) (itemKey >>> 3) == ITEMS && (int) (itemKey & 7) == LENGTH_DELIMITED) {
              index.element(itemStart, 0);
              in.skip(in.readVarint());
            } else if (!skipField(in, (int) (itemKey & 7))) {
              return ChunkIndex.failed("bad field in its collection at byte " + itemStart);
            }
          }
          if (in.position() != collectionEnd) {
            return ChunkIndex.failed("its collection ends inside an item at byte " + in.position());
          }
        } else if (field == SCALAR || field == MAP || field == OFFLOADED) {
          return ChunkIndex.failed(
              "it holds a "
                  + (field == SCALAR
                      ? "scalar"
                      : field == MAP ? "map" : "further offloaded literal")
                  + ", not a list");
        } else if (!skipField(in, wire)) {
          return ChunkIndex.failed("bad field at byte " + at + ": not a binary flyteidl Literal");
        }
      }
    } catch (EOFException e) {
      return ChunkIndex.failed("it is truncated: " + e.getMessage());
    }
    if (collectionEnd < 0) {
      return ChunkIndex.failed("it holds no list");
    }
    return index.build(0, collectionEnd);
  }

  private static long continueVarint(PositionedInput in, int first) throws IOException {
    if ((first & 0x80) == 0) {
      return first;
    }
    long rest = in.readVarint();
    return (first & 0x7f) | (rest << 7);
  }

  private static boolean skipField(PositionedInput in, int wire) throws IOException {
    switch (wire) {
      case VARINT:
        in.readVarint();
        return true;
      case FIXED64:
        in.skip(8);
        return true;
      case LENGTH_DELIMITED:
        in.skip(in.readVarint());
        return true;
      case FIXED32:
        in.skip(4);
        return true;
      default:
        return false;
    }
  }

  @Override
  public Reader read(long start, long endIndex) throws IOException {
    if (start < 0 || endIndex > size || start > endIndex) {
      throw new IndexOutOfBoundsException(
          "range [" + start + ", " + endIndex + ") of input [" + input + "] of " + size + " items");
    }
    if (start == endIndex) {
      return new ItemReader(null, start, 0, 0);
    }
    ChunkIndex checkpoints = ChunkIndex.cached(indexFile);
    int k = (int) (start / checkpoints.stride());
    PositionedInput in = PositionedInput.open(uri, checkpoints.offsets()[k]);
    return new ItemReader(in, start, start - (long) k * checkpoints.stride(), endIndex - start);
  }

  private final class ItemReader implements Reader {
    private final PositionedInput in;
    private long nextIndex;
    private long skip;
    private long remaining;

    ItemReader(PositionedInput in, long firstIndex, long skip, long count) {
      this.in = in;
      this.nextIndex = firstIndex;
      this.skip = skip;
      this.remaining = count;
    }

    @Override
    public Literal next() throws InvalidElementException, IOException {
      if (remaining <= 0) {
        throw new java.util.NoSuchElementException();
      }
      while (true) {
        if (in.position() >= end) {
          remaining = 0;
          throw new IOException(
              "the offloaded literal ["
                  + uri
                  + "] of input ["
                  + input
                  + "] has fewer items than"
                  + " the index pass counted: it changed during the run");
        }
        long key = in.readVarint();
        if ((int) (key >>> 3) != ITEMS || (int) (key & 7) != LENGTH_DELIMITED) {
          skipField(in, (int) (key & 7));
          continue;
        }
        long length = in.readVarint();
        if (skip > 0) {
          skip--;
          in.skip(length);
          continue;
        }
        remaining--;
        long index = nextIndex++;
        Literal item;
        try {
          item = Literal.parseFrom(in.readFully(Math.toIntExact(length)));
        } catch (InvalidProtocolBufferException e) {
          throw new InvalidElementException(
              String.format(
                  "item [%d] of input [%s] in the offloaded literal [%s] is not a flyteidl Literal:"
                      + " %s",
                  index, input, uri, e.getMessage()));
        }
        try {
          Literals.check("input", input + "[" + index + "]", item, itemType.get());
        } catch (LiteralTypeException e) {
          throw new InvalidElementException(
              e.getMessage() + " (in the offloaded literal [" + uri + "])");
        }
        return item;
      }
    }

    @Override
    public void close() throws IOException {
      if (in != null) {
        in.close();
      }
    }
  }
}
