package org.flytebeam.exec;

import com.google.protobuf.InvalidProtocolBufferException;
import flyteidl.core.Types.LiteralType;
import java.io.Serializable;

/**
 * The type of a source's items, as it travels with the source to the workers: serialized as bytes
 * and parsed back once, on first use, where it is read.
 *
 * <p>As bytes, not the message: on a cluster, Java serialization of a protobuf message resolves it
 * through the protobuf runtime of the executor's app class loader, which cannot see our classes (a
 * {@code ClassCastException} across class loaders).
 */
final class ItemType implements Serializable {
  private static final long serialVersionUID = 1L;

  private final byte[] bytes;
  private transient LiteralType type;

  ItemType(LiteralType type) {
    this.bytes = type.toByteArray();
    this.type = type;
  }

  /** The type, parsed from its bytes the first time after deserialization. */
  LiteralType get() {
    if (type == null) {
      try {
        type = LiteralType.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        // The bytes were written by toByteArray() above: they always parse.
        throw new IllegalStateException("the item type's bytes do not parse", e);
      }
    }
    return type;
  }
}
