package org.flytebeam.exec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Types.LiteralType;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.flytebeam.types.LiteralTypeException;
import org.flytebeam.types.PlainJson;
import org.flytebeam.types.PrimitiveLiterals;

/**
 * The items of a mapped input given as JSON Lines: one or more files read as one text in order,
 * each non-empty line one item, read as plain JSON by the item type ({@link PlainJson}). Lines end
 * with {@code \n} or {@code \r\n}; lines of only spaces and tabs are skipped; a UTF-8 byte order
 * mark at a file's start is ignored.
 *
 * <p>The files are cut into byte chunks that the index pass counts in parallel ({@link #index}): a
 * line belongs to the chunk where it starts. This holds each chunk's first element and line and the
 * file its checkpoints are in, nothing per element, so its size does not grow with the number of
 * items.
 */
public final class JsonLinesSource implements ElementSource, Serializable {
  private static final long serialVersionUID = 1L;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private final String input;
  private final ItemType itemType;
  private final String[] files;
  private final Chunk[] chunks;
  private final long size;
  private final String outputField;

  /**
   * A counted chunk.
   *
   * @param file the index of its file
   * @param firstElement the index of its first element among all items
   * @param firstLine the number of lines of its file before it
   * @param elements the elements starting in it
   * @param indexFile where its checkpoints are
   */
  public record Chunk(int file, long firstElement, long firstLine, long elements, String indexFile)
      implements Serializable {}

  /**
   * @param input the input's name, for messages
   * @param itemType the type of one item
   * @param files the files, in the order they are read
   * @param chunks the chunks of every file, in order, with their counts
   */
  public JsonLinesSource(
      String input, LiteralType itemType, List<String> files, List<Chunk> chunks) {
    this(input, itemType, files, chunks, null);
  }

  /**
   * As {@link #JsonLinesSource(String, LiteralType, List, List)}, for a map's output shards ({@link
   * OutputShards}): each line's item is its output {@code outputField} ({@code null}, Flyte's none,
   * for an element that did not succeed).
   */
  public JsonLinesSource(
      String input,
      LiteralType itemType,
      List<String> files,
      List<Chunk> chunks,
      String outputField) {
    this.outputField = outputField;
    this.input = input;
    this.itemType = new ItemType(itemType);
    this.files = files.toArray(new String[0]);
    this.chunks = chunks.toArray(new Chunk[0]);
    long total = 0;
    for (Chunk c : chunks) {
      total += c.elements();
    }
    this.size = total;
  }

  @Override
  public long size() {
    return size;
  }

  /**
   * Counts the lines of {@code file} that start in bytes {@code [start, end)}: a checkpoint every
   * {@code stride} elements. Run by the index pass, one chunk per task.
   */
  public static ChunkIndex index(String file, long start, long end, int stride) throws IOException {
    ChunkIndex.Builder index = new ChunkIndex.Builder(stride);
    long lines = 0;
    try (PositionedInput in = PositionedInput.open(file, Math.max(0, start - 1))) {
      if (start > 0 && !skipToLineStart(in)) {
        return index.build(0, -1);
      }
      PositionedInput.Line line = new PositionedInput.Line();
      while (in.position() < end) {
        long lineStart = in.position();
        line.clear();
        if (!in.readLine(line)) {
          break;
        }
        if (!isBlank(line, lineStart)) {
          index.element(lineStart, lines);
        }
        lines++;
      }
    }
    return index.build(lines, -1);
  }

  /** Moves past the next {@code \n}: to the first line starting at or after the position + 1. */
  private static boolean skipToLineStart(PositionedInput in) throws IOException {
    int b;
    do {
      b = in.read();
    } while (b >= 0 && b != '\n');
    return b >= 0;
  }

  private static boolean isBlank(PositionedInput.Line line, long lineStart) {
    return line.isBlank() || (lineStart == 0 && bomLength(line) == line.length());
  }

  private static int bomLength(PositionedInput.Line line) {
    byte[] b = line.bytes();
    return line.length() >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF
        ? 3
        : 0;
  }

  @Override
  public Reader read(long start, long end) throws IOException {
    if (start < 0 || end > size || start > end) {
      throw new IndexOutOfBoundsException(
          "range [" + start + ", " + end + ") of input [" + input + "] of " + size + " items");
    }
    if (start == end) {
      return new LineReader(0, 0, 1, 0, start, 0);
    }
    int c = chunkOf(start);
    Chunk chunk = chunks[c];
    ChunkIndex checkpoints = ChunkIndex.cached(chunk.indexFile());
    long local = start - chunk.firstElement();
    int k = (int) (local / checkpoints.stride());
    return new LineReader(
        chunk.file(),
        checkpoints.offsets()[k],
        chunk.firstLine() + checkpoints.lineOffsets()[k] + 1,
        local - (long) k * checkpoints.stride(),
        start,
        end - start);
  }

  /**
   * The chunk holding element {@code index}: the last with elements that starts at or before it.
   */
  private int chunkOf(long index) {
    int lo = 0;
    int hi = chunks.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (chunks[mid].firstElement() <= index) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    while (found >= 0 && chunks[found].elements() == 0) {
      found--;
    }
    if (found < 0 || index >= chunks[found].firstElement() + chunks[found].elements()) {
      throw new IllegalStateException("no chunk of input [" + input + "] holds item " + index);
    }
    return found;
  }

  /**
   * The primitive kind ({@link PrimitiveLiterals}) of a simple int, float, str or bool type, whose
   * items are read as primitive values; {@link PrimitiveLiterals#LITERAL} for any other type.
   */
  static int primitiveKind(LiteralType type) {
    if (type.getTypeCase() != LiteralType.TypeCase.SIMPLE) {
      return PrimitiveLiterals.LITERAL;
    }
    switch (type.getSimple()) {
      case INTEGER:
        return PrimitiveLiterals.INTEGER;
      case FLOAT:
        return PrimitiveLiterals.FLOAT;
      case STRING:
        return PrimitiveLiterals.STRING;
      case BOOLEAN:
        return PrimitiveLiterals.BOOLEAN;
      default:
        return PrimitiveLiterals.LITERAL;
    }
  }

  /** Reads lines from a checkpoint on, across files, skipping what comes before the range. */
  private final class LineReader implements Reader {
    private final PositionedInput.Line line = new PositionedInput.Line();
    private int file;
    private long offset;
    private long lineNumber;
    private long skip;
    private long nextIndex;
    private long remaining;
    private PositionedInput in;

    LineReader(int file, long offset, long lineNumber, long skip, long firstIndex, long count) {
      this.file = file;
      this.offset = offset;
      this.lineNumber = lineNumber;
      this.skip = skip;
      this.nextIndex = firstIndex;
      this.remaining = count;
    }

    // The primitive kind (PrimitiveLiterals) of an item type read without a tree or a literal;
    // LITERAL for every other type (and for a map's output shards).
    private final int primitiveKind =
        outputField == null ? primitiveKind(itemType.get()) : PrimitiveLiterals.LITERAL;

    @Override
    public Literal next() throws InvalidElementException, IOException {
      Object value = nextValue();
      return value instanceof Literal literal ? literal : PrimitiveLiterals.toLiteral(value);
    }

    @Override
    public Object nextValue() throws InvalidElementException, IOException {
      if (remaining <= 0) {
        throw new java.util.NoSuchElementException();
      }
      while (true) {
        if (in == null) {
          in = PositionedInput.open(files[file], offset);
        }
        long lineStart = in.position();
        line.clear();
        if (!in.readLine(line)) {
          in.close();
          in = null;
          if (++file >= files.length) {
            remaining = 0;
            throw new IOException(
                String.format(
                    "input [%s] has fewer items than the index pass counted: its files changed"
                        + " during the run",
                    input));
          }
          offset = 0;
          lineNumber = 1;
          continue;
        }
        long number = lineNumber++;
        if (isBlank(line, lineStart)) {
          continue;
        }
        if (skip > 0) {
          skip--;
          continue;
        }
        remaining--;
        return parse(lineStart == 0 ? bomLength(line) : 0, files[file], number, nextIndex++);
      }
    }

    private Object parse(int from, String path, long number, long index)
        throws InvalidElementException {
      if (primitiveKind != PrimitiveLiterals.LITERAL) {
        Object value = primitive(from);
        if (value != null) {
          return value;
        }
        // Not a plain value of the type: read as a tree, which says what is wrong with it.
      }
      JsonNode node;
      try {
        node = JSON.readTree(line.bytes(), from, line.length() - from);
      } catch (IOException e) {
        String why =
            e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                ? j.getOriginalMessage()
                : e.getMessage();
        throw new InvalidElementException(
            String.format(
                "%s:%d is not valid JSON (%s): item [%d] of input [%s] must be one JSON value on"
                    + " one line; fix or remove that line",
                path, number, firstLine(why), index, input));
      }
      if (outputField != null) {
        JsonNode outputs = node.get("outputs");
        JsonNode value = outputs == null ? null : outputs.get(outputField);
        if (value == null) {
          throw new InvalidElementException(
              String.format(
                  "%s:%d has no output [%s]: item [%d] of input [%s] is read from a map's output"
                      + " shards, whose lines hold {\"index\":..., \"outputs\":{...}}",
                  path, number, outputField, index, input));
        }
        node = value;
      }
      try {
        return PlainJson.fromJson(input + "[" + index + "]", node, itemType.get());
      } catch (LiteralTypeException e) {
        if (outputField != null && node.isObject() && node.size() == 1 && node.has("literal")) {
          // An output with no plain JSON form, written as its protobuf JSON (OutputShards).
          return protobufLiteral(node.get("literal"), path, number);
        }
        throw new InvalidElementException(
            String.format("%s:%d: %s; fix that line", path, number, e.getMessage()));
      }
    }

    /**
     * The line's item as a primitive value of {@link #primitiveKind}, read token by token as {@link
     * PlainJson} reads the same JSON value (an int that fits 64 bits; a float, or an int as a
     * float, that is finite; a string; a bool), with nothing after it; null for any other line,
     * which the tree path then reads (and refuses with its message, or reads as {@code PlainJson}
     * does).
     */
    private Object primitive(int from) {
      try (JsonParser p =
          JSON.getFactory().createParser(line.bytes(), from, line.length() - from)) {
        JsonToken token = p.nextToken();
        Object value;
        switch (primitiveKind) {
          case PrimitiveLiterals.INTEGER:
            if (token != JsonToken.VALUE_NUMBER_INT
                || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
              return null;
            }
            value = p.getLongValue();
            break;
          case PrimitiveLiterals.FLOAT:
            if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
              return null;
            }
            double d = p.getDoubleValue();
            if (Double.isInfinite(d) || Double.isNaN(d)) {
              return null;
            }
            value = d;
            break;
          case PrimitiveLiterals.STRING:
            if (token != JsonToken.VALUE_STRING) {
              return null;
            }
            value = p.getText();
            break;
          case PrimitiveLiterals.BOOLEAN:
            if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
              return null;
            }
            value = token == JsonToken.VALUE_TRUE;
            break;
          default:
            return null;
        }
        return p.nextToken() == null ? value : null;
      } catch (IOException e) {
        return null;
      }
    }

    private static Literal protobufLiteral(JsonNode json, String path, long number)
        throws InvalidElementException {
      try {
        Literal.Builder literal = Literal.newBuilder();
        com.google.protobuf.util.JsonFormat.parser().merge(json.toString(), literal);
        return literal.build();
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new InvalidElementException(
            String.format("%s:%d: its literal does not parse: %s", path, number, e.getMessage()));
      }
    }

    @Override
    public void close() throws IOException {
      if (in != null) {
        in.close();
        in = null;
      }
    }
  }

  private static String firstLine(String text) {
    return text == null ? "" : text.lines().findFirst().orElse("");
  }
}
