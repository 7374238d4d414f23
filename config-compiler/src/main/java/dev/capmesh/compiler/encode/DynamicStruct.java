package dev.capmesh.compiler.encode;

import org.capnproto.FromPointerBuilder;
import org.capnproto.SegmentBuilder;
import org.capnproto.SetPointerBuilder;
import org.capnproto.StructBuilder;
import org.capnproto.StructFactory;
import org.capnproto.StructReader;
import org.capnproto.StructSize;

/**
 * A struct builder of the capnproto-java runtime whose layout comes from a runtime schema rather
 * than generated code: it only widens the runtime's protected field accessors.
 */
final class DynamicStruct extends StructBuilder {

  DynamicStruct(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
    super(segment, data, pointers, dataSize, pointerCount);
  }

  void setBool(int offset, boolean value) {
    _setBooleanField(offset, value);
  }

  void setByte(int offset, byte value) {
    _setByteField(offset, value);
  }

  void setShort(int offset, short value) {
    _setShortField(offset, value);
  }

  void setInt(int offset, int value) {
    _setIntField(offset, value);
  }

  void setLong(int offset, long value) {
    _setLongField(offset, value);
  }

  <T> T initPointer(FromPointerBuilder<T> factory, int index, int size) {
    return _initPointerField(factory, index, size);
  }

  <T> T getPointer(FromPointerBuilder<T> factory, int index) {
    return _getPointerField(factory, index);
  }

  <B, R> void setPointer(SetPointerBuilder<B, R> factory, int index, R value) {
    _setPointerField(factory, index, value);
  }

  /** Makes {@link DynamicStruct}s of one struct size. */
  static final class Factory extends StructFactory<DynamicStruct, StructReader> {
    private final StructSize size;

    Factory(int dataWords, int pointers) {
      this.size = new StructSize((short) dataWords, (short) pointers);
    }

    @Override
    public DynamicStruct constructBuilder(SegmentBuilder segment, int data, int pointers,
        int dataSize, short pointerCount) {
      return new DynamicStruct(segment, data, pointers, dataSize, pointerCount);
    }

    @Override
    public StructReader constructReader(org.capnproto.SegmentReader segment, int data,
        int pointers, int dataSize, short pointerCount, int nestingLimit) {
      return new StructReader(segment, data, pointers, dataSize, pointerCount, nestingLimit);
    }

    @Override
    public StructSize structSize() {
      return size;
    }

    @Override
    public StructReader asReader(DynamicStruct builder) {
      throw new UnsupportedOperationException("asReader: the encoder only writes");
    }
  }
}
