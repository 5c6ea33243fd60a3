"""The few flyteidl messages the fake flytekit needs, encoded and decoded by hand (no protobuf
package): LiteralMap with primitive, list and map literals, and ErrorDocument."""
import struct


def _varint(n):
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(field, wire):
    return _varint(field << 3 | wire)


def _ld(field, payload):
    return _key(field, 2) + _varint(len(payload)) + payload


def _int(field, n):
    return _key(field, 0) + _varint(n)


def literal(value):
    """A Literal for a str, int, float, bool or list of these."""
    if isinstance(value, list):
        return _ld(2, b"".join(_ld(1, literal(v)) for v in value))
    if isinstance(value, bool):
        primitive = _int(4, 1 if value else 0)
    elif isinstance(value, int):
        primitive = _int(1, value)
    elif isinstance(value, float):
        primitive = _key(2, 1) + struct.pack("<d", value)
    else:
        primitive = _ld(3, value.encode())
    return _ld(1, _ld(1, primitive))


def literal_map(values):
    return b"".join(_ld(1, _ld(1, k.encode()) + _ld(2, literal(v))) for k, v in values.items())


NON_RECOVERABLE, RECOVERABLE = 0, 1
USER, SYSTEM = 1, 2


def error_document(code, message, kind, origin):
    error = _ld(1, code.encode()) + _ld(2, message.encode()) + _int(3, kind) + _int(4, origin)
    return _ld(1, error)


def _fields(data):
    i = 0
    while i < len(data):
        key, i = _read_varint(data, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _read_varint(data, i)
        elif wire == 1:
            value, i = data[i:i + 8], i + 8
        elif wire == 2:
            length, i = _read_varint(data, i)
            value, i = data[i:i + length], i + length
        elif wire == 5:
            value, i = data[i:i + 4], i + 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        yield field, wire, value


def _read_varint(data, i):
    shift = result = 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, i


def decode_literal(data):
    for field, _, value in _fields(data):
        if field == 1:  # scalar
            for f, _, v in _fields(value):
                if f == 1:  # primitive
                    for pf, _, pv in _fields(v):
                        if pf == 1:
                            return pv - (1 << 64) if pv >= 1 << 63 else pv
                        if pf == 2:
                            return struct.unpack("<d", pv)[0]
                        if pf == 3:
                            return pv.decode()
                        if pf == 4:
                            return bool(pv)
                    return 0
            return None
        if field == 2:  # collection
            return [decode_literal(v) for f, _, v in _fields(value) if f == 1]
        if field == 3:  # map
            return decode_literal_map(value)
    return None


def decode_literal_map(data):
    result = {}
    for field, _, entry in _fields(data):
        if field != 1:
            continue
        key, value = None, b""
        for f, _, v in _fields(entry):
            if f == 1:
                key = v.decode()
            elif f == 2:
                value = v
        result[key] = decode_literal(value)
    return result
