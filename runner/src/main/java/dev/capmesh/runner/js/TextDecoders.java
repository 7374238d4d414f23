package dev.capmesh.runner.js;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The Encoding Standard's decoders for the legacy encodings (every encoding but UTF-8, which
 * the runtime's JavaScript decodes itself), behind {@code TextDecoder}.
 *
 * <p>The decoders are the standard's state machines, so error handling (which bytes an error
 * consumes, which are reprocessed) is the standard's. Their indexes are built once per JVM from
 * the JDK's charsets (and ICU4J's for ISO-8859-10 and -14, which the JDK lacks), byte by byte,
 * and then corrected where those tables and the standard's indexes differ: the corrections were
 * found by comparing every pointer of each index with the standard's index files, and are
 * listed below. Tables are immutable once built; decoders are not thread-safe (one per
 * {@code TextDecoder}, used on its context's thread).
 */
final class TextDecoders {
  private TextDecoders() {}

  /** Canonical name (lower case, as {@code TextDecoder.encoding} reports it) → its labels. */
  private static final String[] LABELS = {
      "utf-8", "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8",
      "ibm866", "866 cp866 csibm866 ibm866",
      "iso-8859-2", "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2",
      "iso-8859-3", "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3",
      "iso-8859-4", "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4",
      "iso-8859-5", "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5 iso_8859-5:1988",
      "iso-8859-6", "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6 iso-8859-6-e "
          + "iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987",
      "iso-8859-7", "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7 iso88597 "
          + "iso_8859-7 iso_8859-7:1987 sun_eu_greek",
      "iso-8859-8", "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8 iso88598 "
          + "iso_8859-8 iso_8859-8:1988 visual",
      "iso-8859-8-i", "csiso88598i iso-8859-8-i logical",
      "iso-8859-10", "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6",
      "iso-8859-13", "iso-8859-13 iso8859-13 iso885913",
      "iso-8859-14", "iso-8859-14 iso8859-14 iso885914",
      "iso-8859-15", "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9",
      "iso-8859-16", "iso-8859-16",
      "koi8-r", "cskoi8r koi koi8 koi8-r koi8_r",
      "koi8-u", "koi8-ru koi8-u",
      "macintosh", "csmacintosh mac macintosh x-mac-roman",
      "windows-874", "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874",
      "windows-1250", "cp1250 windows-1250 x-cp1250",
      "windows-1251", "cp1251 windows-1251 x-cp1251",
      "windows-1252", "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 "
          + "iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252",
      "windows-1253", "cp1253 windows-1253 x-cp1253",
      "windows-1254", "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 "
          + "l5 latin5 windows-1254 x-cp1254",
      "windows-1255", "cp1255 windows-1255 x-cp1255",
      "windows-1256", "cp1256 windows-1256 x-cp1256",
      "windows-1257", "cp1257 windows-1257 x-cp1257",
      "windows-1258", "cp1258 windows-1258 x-cp1258",
      "x-mac-cyrillic", "x-mac-cyrillic x-mac-ukrainian",
      "gbk", "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk",
      "gb18030", "gb18030",
      "big5", "big5 big5-hkscs cn-big5 csbig5 x-x-big5",
      "euc-jp", "cseucpkdfmtjapanese euc-jp x-euc-jp",
      "iso-2022-jp", "csiso2022jp iso-2022-jp",
      "shift_jis", "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis",
      "euc-kr", "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 ksc_5601 "
          + "windows-949",
      "replacement", "csiso2022kr hz-gb-2312 iso-2022-cn iso-2022-cn-ext iso-2022-kr replacement",
      "utf-16be", "unicodefffe utf-16be",
      "utf-16le", "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le",
      "x-user-defined", "x-user-defined",
  };
  private static final Map<String, String> BY_LABEL = byLabel();

  private static Map<String, String> byLabel() {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < LABELS.length; i += 2) {
      for (String label : LABELS[i + 1].split(" ")) {
        m.put(label, LABELS[i]);
      }
    }
    return Map.copyOf(m);
  }

  /**
   * The canonical name of the encoding {@code label} names (the standard's "get an encoding":
   * leading and trailing ASCII whitespace removed, ASCII case ignored), or null if none. The
   * {@code replacement} encoding is returned as such; {@code TextDecoder} refuses it.
   */
  static @Nullable String forLabel(String label) {
    int start = 0;
    int end = label.length();
    while (start < end && isAsciiWhitespace(label.charAt(start))) {
      start++;
    }
    while (end > start && isAsciiWhitespace(label.charAt(end - 1))) {
      end--;
    }
    String key = label.substring(start, end);
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) > 0x7f) {
        return null; // only ASCII letters are case-folded: "İ" must not become "i"
      }
    }
    return BY_LABEL.get(key.toLowerCase(Locale.ROOT));
  }

  private static boolean isAsciiWhitespace(char c) {
    return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
  }

  /** A decoder of {@code name} (a canonical name other than utf-8 and replacement). */
  static Decoder create(String name) {
    return switch (name) {
      case "gbk", "gb18030" -> new Gb18030();
      case "big5" -> new Big5();
      case "euc-jp" -> new EucJp();
      case "iso-2022-jp" -> new Iso2022Jp();
      case "shift_jis" -> new ShiftJis();
      case "euc-kr" -> new EucKr();
      case "utf-16le" -> new Utf16(false);
      case "utf-16be" -> new Utf16(true);
      case "x-user-defined" -> new UserDefined();
      default -> {
        if (!BY_LABEL.containsKey(name) || name.equals("utf-8") || name.equals("replacement")) {
          throw new IllegalArgumentException("encoding: " + name + " (expected: a legacy encoding's name)");
        }
        yield new SingleByte(Indexes.singleByte(name));
      }
    };
  }

  /** Thrown by a fatal decoder on the first error. */
  static final class DecodingError extends Exception {
    DecodingError() {
      super("The encoded data was not valid for the encoding", null, false, false);
    }
  }

  /**
   * One decoder of the standard: {@link #decode} feeds it a chunk; with {@code stream} false
   * the chunk ends the input (the decoder is then ready for a new one).
   */
  abstract static sealed class Decoder {
    private static final int EOF = -1;
    private static final int CONTINUE = -2;
    private static final int ERROR = -3;
    private final int[] pending = new int[8];
    private int pendingCount;
    private final StringBuilder out = new StringBuilder();
    private boolean fatal;

    /** Decodes {@code bytes}; with {@code fatal}, the first error throws (and resets the decoder). */
    final String decode(byte[] bytes, boolean stream, boolean fatal) throws DecodingError {
      this.fatal = fatal;
      out.setLength(0);
      try {
        for (byte b : bytes) {
          feed(b & 0xff);
        }
        if (!stream) {
          feed(EOF);
          reset();
        }
      } catch (DecodingError e) {
        reset();
        pendingCount = 0;
        throw e;
      }
      return out.toString();
    }

    private void feed(int b) throws DecodingError {
      if (b != EOF) {
        emit(step(b));
        drain();
        return;
      }
      // At the end the standard runs the handler on end-of-stream until it is finished; a
      // byte handed back on the way may leave a state that itself ends in one more error.
      for (int round = 0; round < 4; round++) {
        int r = step(EOF);
        emit(r);
        drain();
        if (r == CONTINUE) {
          return;
        }
      }
    }

    /** Reads the bytes a step handed back (the standard's "prepend"), at most three at a time. */
    private void drain() throws DecodingError {
      while (pendingCount > 0) {
        int next = pending[0];
        System.arraycopy(pending, 1, pending, 0, pendingCount - 1);
        pendingCount--;
        emit(step(next));
      }
    }

    private void emit(int r) throws DecodingError {
      if (r == ERROR) {
        if (fatal) {
          throw new DecodingError();
        }
        out.append('\uFFFD');
      } else if (r >= 0) {
        out.appendCodePoint(r);
      }
    }

    /** Hands bytes back to be read again before the rest of the input. */
    final void prepend(int... bytes) {
      System.arraycopy(pending, 0, pending, bytes.length, pendingCount);
      System.arraycopy(bytes, 0, pending, 0, bytes.length);
      pendingCount += bytes.length;
    }

    /** Appends a code point besides the one {@link #step} returns (Big5's pairs). */
    final void also(int codePoint) {
      out.appendCodePoint(codePoint);
    }

    /** One step of the handler: a code point, {@link #CONTINUE}, {@link #ERROR}, or nothing at EOF. */
    abstract int step(int b);

    abstract void reset();

    static boolean ascii(int b) {
      return b >= 0 && b < 0x80;
    }
  }

  private static final int EOF = Decoder.EOF;
  private static final int CONTINUE = Decoder.CONTINUE;
  private static final int ERROR = Decoder.ERROR;

  private static final class SingleByte extends Decoder {
    private final int[] table;

    SingleByte(int[] table) {
      this.table = table;
    }

    @Override int step(int b) {
      if (b == EOF) {
        return CONTINUE;
      }
      if (b < 0x80) {
        return b;
      }
      int c = table[b - 0x80];
      return c < 0 ? ERROR : c;
    }

    @Override void reset() {}
  }

  private static final class UserDefined extends Decoder {
    @Override int step(int b) {
      return b == EOF ? CONTINUE : b < 0x80 ? b : 0xF780 + b - 0x80;
    }

    @Override void reset() {}
  }

  private static final class Gb18030 extends Decoder {
    private int first;
    private int second;
    private int third;

    @Override int step(int b) {
      if (b == EOF) {
        if (first == 0 && second == 0 && third == 0) {
          return CONTINUE;
        }
        reset();
        return ERROR;
      }
      if (third != 0) {
        if (b < 0x30 || b > 0x39) {
          prepend(second, third, b);
          reset();
          return ERROR;
        }
        int pointer = (((first - 0x81) * 10 + second - 0x30) * 126 + third - 0x81) * 10 + b - 0x30;
        reset();
        int c = Indexes.gb18030Ranges(pointer);
        return c < 0 ? ERROR : c;
      }
      if (second != 0) {
        if (b >= 0x81 && b <= 0xFE) {
          third = b;
          return CONTINUE;
        }
        prepend(second, b);
        first = 0;
        second = 0;
        return ERROR;
      }
      if (first != 0) {
        if (b >= 0x30 && b <= 0x39) {
          second = b;
          return CONTINUE;
        }
        int lead = first;
        first = 0;
        int offset = b < 0x7F ? 0x40 : 0x41;
        if ((b >= 0x40 && b <= 0x7E) || (b >= 0x80 && b <= 0xFE)) {
          int c = Indexes.gb18030()[(lead - 0x81) * 190 + b - offset];
          if (c >= 0) {
            return c;
          }
        }
        if (ascii(b)) {
          prepend(b);
        }
        return ERROR;
      }
      if (ascii(b)) {
        return b;
      }
      if (b == 0x80) {
        return 0x20AC;
      }
      if (b >= 0x81 && b <= 0xFE) {
        first = b;
        return CONTINUE;
      }
      return ERROR;
    }

    @Override void reset() {
      first = 0;
      second = 0;
      third = 0;
    }
  }

  private static final class Big5 extends Decoder {
    private int lead;

    @Override int step(int b) {
      if (b == EOF) {
        if (lead != 0) {
          lead = 0;
          return ERROR;
        }
        return CONTINUE;
      }
      if (lead != 0) {
        int l = lead;
        lead = 0;
        int offset = b < 0x7F ? 0x40 : 0x62;
        if ((b >= 0x40 && b <= 0x7E) || (b >= 0xA1 && b <= 0xFE)) {
          int pointer = (l - 0x81) * 157 + b - offset;
          // Four pointers decode to two code points each.
          switch (pointer) {
            case 1133 -> { also(0x00CA); return 0x0304; }
            case 1135 -> { also(0x00CA); return 0x030C; }
            case 1164 -> { also(0x00EA); return 0x0304; }
            case 1166 -> { also(0x00EA); return 0x030C; }
            default -> {
              int[] index = Indexes.big5();
              int c = pointer < index.length ? index[pointer] : -1;
              if (c >= 0) {
                return c;
              }
            }
          }
        }
        if (ascii(b)) {
          prepend(b);
        }
        return ERROR;
      }
      if (ascii(b)) {
        return b;
      }
      if (b >= 0x81 && b <= 0xFE) {
        lead = b;
        return CONTINUE;
      }
      return ERROR;
    }

    @Override void reset() {
      lead = 0;
    }
  }

  private static final class EucJp extends Decoder {
    private boolean jis0212;
    private int lead;

    @Override int step(int b) {
      if (b == EOF) {
        if (lead != 0) {
          lead = 0;
          return ERROR;
        }
        return CONTINUE;
      }
      if (lead == 0x8E && b >= 0xA1 && b <= 0xDF) {
        lead = 0;
        return 0xFF61 - 0xA1 + b;
      }
      if (lead == 0x8F && b >= 0xA1 && b <= 0xFE) {
        jis0212 = true;
        lead = b;
        return CONTINUE;
      }
      if (lead != 0) {
        int l = lead;
        lead = 0;
        int c = -1;
        if (l >= 0xA1 && l <= 0xFE && b >= 0xA1 && b <= 0xFE) {
          int pointer = (l - 0xA1) * 94 + b - 0xA1;
          int[] index = jis0212 ? Indexes.jis0212() : Indexes.jis0208();
          c = index[pointer];
        }
        jis0212 = false;
        if (c >= 0) {
          return c;
        }
        if (ascii(b)) {
          prepend(b);
        }
        return ERROR;
      }
      if (ascii(b)) {
        return b;
      }
      if (b == 0x8E || b == 0x8F || (b >= 0xA1 && b <= 0xFE)) {
        lead = b;
        return CONTINUE;
      }
      return ERROR;
    }

    @Override void reset() {
      jis0212 = false;
      lead = 0;
    }
  }

  private static final class Iso2022Jp extends Decoder {
    private static final int ASCII = 0;
    private static final int ROMAN = 1;
    private static final int KATAKANA = 2;
    private static final int LEAD = 3;
    private static final int TRAIL = 4;
    private static final int ESCAPE_START = 5;
    private static final int ESCAPE = 6;
    private int state = ASCII;
    private int outputState = ASCII;
    private int lead;
    private boolean output;

    @Override int step(int b) {
      switch (state) {
        case ASCII -> {
          if (b == 0x1B) {
            state = ESCAPE_START;
            return CONTINUE;
          }
          if (b >= 0 && b <= 0x7F && b != 0x0E && b != 0x0F) {
            output = false;
            return b;
          }
          if (b == EOF) {
            return CONTINUE;
          }
          output = false;
          return ERROR;
        }
        case ROMAN -> {
          if (b == 0x1B) {
            state = ESCAPE_START;
            return CONTINUE;
          }
          if (b == 0x5C) {
            output = false;
            return 0xA5;
          }
          if (b == 0x7E) {
            output = false;
            return 0x203E;
          }
          if (b >= 0 && b <= 0x7F && b != 0x0E && b != 0x0F) {
            output = false;
            return b;
          }
          if (b == EOF) {
            return CONTINUE;
          }
          output = false;
          return ERROR;
        }
        case KATAKANA -> {
          if (b == 0x1B) {
            state = ESCAPE_START;
            return CONTINUE;
          }
          if (b >= 0x21 && b <= 0x5F) {
            output = false;
            return 0xFF61 - 0x21 + b;
          }
          if (b == EOF) {
            return CONTINUE;
          }
          output = false;
          return ERROR;
        }
        case LEAD -> {
          if (b == 0x1B) {
            state = ESCAPE_START;
            return CONTINUE;
          }
          if (b >= 0x21 && b <= 0x7E) {
            output = false;
            lead = b;
            state = TRAIL;
            return CONTINUE;
          }
          if (b == EOF) {
            return CONTINUE;
          }
          output = false;
          return ERROR;
        }
        case TRAIL -> {
          if (b == 0x1B) {
            state = ESCAPE_START;
            return ERROR;
          }
          if (b >= 0x21 && b <= 0x7E) {
            state = LEAD;
            int c = Indexes.jis0208()[(lead - 0x21) * 94 + b - 0x21];
            return c < 0 ? ERROR : c;
          }
          state = LEAD;
          if (b == EOF) {
            return ERROR; // the standard prepends the end of the stream: nothing more is read
          }
          return ERROR;
        }
        case ESCAPE_START -> {
          if (b == 0x24 || b == 0x28) {
            lead = b;
            state = ESCAPE;
            return CONTINUE;
          }
          if (b != EOF) {
            prepend(b);
          }
          output = false;
          state = outputState;
          return ERROR;
        }
        default -> { // ESCAPE
          int l = lead;
          lead = 0;
          int next = -1;
          if (l == 0x28 && b == 0x42) {
            next = ASCII;
          } else if (l == 0x28 && b == 0x4A) {
            next = ROMAN;
          } else if (l == 0x28 && b == 0x49) {
            next = KATAKANA;
          } else if (l == 0x24 && (b == 0x40 || b == 0x42)) {
            next = LEAD;
          }
          if (next >= 0) {
            state = next;
            outputState = next;
            boolean wasOutput = output;
            output = true;
            return wasOutput ? ERROR : CONTINUE;
          }
          if (b == EOF) {
            prepend(l);
          } else {
            prepend(l, b);
          }
          output = false;
          state = outputState;
          return ERROR;
        }
      }
    }

    @Override void reset() {
      state = ASCII;
      outputState = ASCII;
      lead = 0;
      output = false;
    }
  }

  private static final class ShiftJis extends Decoder {
    private int lead;

    @Override int step(int b) {
      if (b == EOF) {
        if (lead != 0) {
          lead = 0;
          return ERROR;
        }
        return CONTINUE;
      }
      if (lead != 0) {
        int l = lead;
        lead = 0;
        int offset = b < 0x7F ? 0x40 : 0x41;
        int leadOffset = l < 0xA0 ? 0x81 : 0xC1;
        if ((b >= 0x40 && b <= 0x7E) || (b >= 0x80 && b <= 0xFC)) {
          int pointer = (l - leadOffset) * 188 + b - offset;
          if (pointer >= 8836 && pointer <= 10715) {
            return 0xE000 - 8836 + pointer;
          }
          int c = Indexes.jis0208()[pointer];
          if (c >= 0) {
            return c;
          }
        }
        if (ascii(b)) {
          prepend(b);
        }
        return ERROR;
      }
      if (ascii(b) || b == 0x80) {
        return b;
      }
      if (b >= 0xA1 && b <= 0xDF) {
        return 0xFF61 - 0xA1 + b;
      }
      if ((b >= 0x81 && b <= 0x9F) || (b >= 0xE0 && b <= 0xFC)) {
        lead = b;
        return CONTINUE;
      }
      return ERROR;
    }

    @Override void reset() {
      lead = 0;
    }
  }

  private static final class EucKr extends Decoder {
    private int lead;

    @Override int step(int b) {
      if (b == EOF) {
        if (lead != 0) {
          lead = 0;
          return ERROR;
        }
        return CONTINUE;
      }
      if (lead != 0) {
        int l = lead;
        lead = 0;
        if (b >= 0x41 && b <= 0xFE) {
          int c = Indexes.eucKr()[(l - 0x81) * 190 + b - 0x41];
          if (c >= 0) {
            return c;
          }
        }
        if (ascii(b)) {
          prepend(b);
        }
        return ERROR;
      }
      if (ascii(b)) {
        return b;
      }
      if (b >= 0x81 && b <= 0xFE) {
        lead = b;
        return CONTINUE;
      }
      return ERROR;
    }

    @Override void reset() {
      lead = 0;
    }
  }

  private static final class Utf16 extends Decoder {
    private final boolean bigEndian;
    private int leadByte = -1;
    private int leadSurrogate = -1;

    Utf16(boolean bigEndian) {
      this.bigEndian = bigEndian;
    }

    @Override int step(int b) {
      if (b == EOF) {
        if (leadByte >= 0 || leadSurrogate >= 0) {
          reset();
          return ERROR;
        }
        return CONTINUE;
      }
      if (leadByte < 0) {
        leadByte = b;
        return CONTINUE;
      }
      int unit = bigEndian ? (leadByte << 8) + b : (b << 8) + leadByte;
      leadByte = -1;
      if (leadSurrogate >= 0) {
        int ls = leadSurrogate;
        leadSurrogate = -1;
        if (unit >= 0xDC00 && unit <= 0xDFFF) {
          return 0x10000 + ((ls - 0xD800) << 10) + (unit - 0xDC00);
        }
        int hi = unit >> 8;
        int lo = unit & 0xFF;
        if (bigEndian) {
          prepend(hi, lo);
        } else {
          prepend(lo, hi);
        }
        return ERROR;
      }
      if (unit >= 0xD800 && unit <= 0xDBFF) {
        leadSurrogate = unit;
        return CONTINUE;
      }
      if (unit >= 0xDC00 && unit <= 0xDFFF) {
        return ERROR;
      }
      return unit;
    }

    @Override void reset() {
      leadByte = -1;
      leadSurrogate = -1;
    }
  }

  /**
   * The standard's indexes as arrays from pointer to code point (-1: no code point), each built
   * on first use through a holder class and never changed afterwards.
   */
  static final class Indexes {
    private Indexes() {}

    private static final Map<String, int[]> SINGLE = new java.util.concurrent.ConcurrentHashMap<>();

    static int[] singleByte(String name) {
      return SINGLE.computeIfAbsent(name, Indexes::buildSingleByte);
    }

    private static int[] buildSingleByte(String name) {
      Charset cs = switch (name) {
        case "iso-8859-8-i" -> Charset.forName("ISO-8859-8");
        case "iso-8859-10", "iso-8859-14" -> new com.ibm.icu.charset.CharsetProviderICU().charsetForName(name);
        case "macintosh" -> Charset.forName("x-MacRoman");
        case "windows-874" -> Charset.forName("x-windows-874");
        // The standard's x-mac-cyrillic is the Ukrainian variant, with the euro sign at 0xFF.
        case "x-mac-cyrillic" -> Charset.forName("x-MacUkraine");
        default -> Charset.forName(name);
      };
      int[] t = new int[128];
      for (int i = 0; i < 128; i++) {
        t[i] = decodeOne(cs, (byte) (0x80 + i));
        // Windows code pages: the bytes the JDK leaves undefined are the C1 controls here.
        if (t[i] < 0 && name.startsWith("windows-") && i < 0x20) {
          t[i] = 0x80 + i;
        }
      }
      switch (name) {
        case "koi8-u" -> { // KOI8-RU's two letters
          t[0xAE - 0x80] = 0x045E;
          t[0xBE - 0x80] = 0x040E;
        }
        case "windows-1255" -> t[0xCA - 0x80] = 0x05BA;
        case "x-mac-cyrillic" -> t[0xFF - 0x80] = 0x20AC;
        default -> { }
      }
      return t;
    }

    static int[] jis0208() {
      return Jis0208.TABLE;
    }

    static int[] jis0212() {
      return Jis0212.TABLE;
    }

    static int[] eucKr() {
      return EucKrIndex.TABLE;
    }

    static int[] gb18030() {
      return Gb18030Index.TABLE;
    }

    static int[] big5() {
      return Big5Index.TABLE;
    }

    /** The standard's "index gb18030 ranges code point", or -1. */
    static int gb18030Ranges(int pointer) {
      if ((pointer > 39419 && pointer < 189000) || pointer > 1237575) {
        return -1;
      }
      if (pointer == 7457) {
        return 0xE7C7;
      }
      if (pointer >= 189000) {
        return 0x10000 + pointer - 189000;
      }
      return Gb18030Index.FOUR_BYTE[pointer];
    }

    private static final class Jis0208 {
      // Shift_JIS pointers reach the whole index (11,280 entries); the JDK's windows-31j puts
      // its user-defined area (pointers 8836-10715) in the Private Use Area, which the decoder
      // handles itself, so those stay empty here.
      static final int[] TABLE = twoByte("windows-31j", 11280, false, p -> {
        int lead = p / 188;
        int trail = p % 188;
        return new byte[] {(byte) (lead < 0x1F ? lead + 0x81 : lead + 0xC1),
            (byte) (trail < 0x3F ? trail + 0x40 : trail + 0x41)};
      });
    }

    private static final class Jis0212 {
      static final int[] TABLE = twoByte("EUC-JP", 8836, false,
          p -> new byte[] {(byte) 0x8F, (byte) (p / 94 + 0xA1), (byte) (p % 94 + 0xA1)});
    }

    private static final class EucKrIndex {
      static final int[] TABLE = twoByte("x-windows-949", 23940, false,
          p -> new byte[] {(byte) (p / 190 + 0x81), (byte) (p % 190 + 0x41)});
    }

    private static final class Gb18030Index {
      static final int[] TABLE = gb18030Table();
      static final int[] FOUR_BYTE = fourByte();

      private static int[] gb18030Table() {
        int[] t = twoByte("GB18030", 23940, true, p -> {
          int trail = p % 190;
          return new byte[] {(byte) (p / 190 + 0x81), (byte) (trail < 0x3F ? trail + 0x40 : trail + 0x41)};
        });
        t[6555] = 0x3000; // the standard keeps GB18030-2005's mapping of 0xA3A0
        return t;
      }

      private static int[] fourByte() {
        Charset cs = Charset.forName("GB18030");
        int[] t = new int[39420];
        for (int p = 0; p < t.length; p++) {
          int r = p % 12600;
          t[p] = decodeOne(cs, (byte) (p / 12600 + 0x81), (byte) (r / 1260 + 0x30),
              (byte) (r % 1260 / 10 + 0x81), (byte) (r % 10 + 0x30));
        }
        // Where the JDK's GB18030-2022 moved these to the Private Use Area, the standard's
        // ranges still give the standard code points.
        for (int i = 0; i < 8; i++) {
          t[19057 + i] = 0x9FB4 + i;
        }
        for (int i = 0; i < 10; i++) {
          t[39076 + i] = 0xFE10 + i;
        }
        return t;
      }
    }

    private static final class Big5Index {
      /** (pointer, first code point, run length) where the standard's index differs from the JDK's. */
      private static final int[] CORRECTIONS = {
          2082, 0x7BB8, 1, 2088, 0x7C06, 1, 2103, 0x7CCE, 1, 2114, 0x7DD2, 1, 2123, 0x7E1D, 1,
          2148, 0x8005, 1, 2151, 0x8028, 1, 2221, 0x83C1, 1, 2239, 0x84A8, 1, 2244, 0x840F, 1,
          2303, 0x89A6, 1, 2304, 0x89A9, 1, 2354, 0x8D77, 1, 2400, 0x90FD, 1, 2413, 0x92B9, 1,
          2477, 0x975C, 1, 2498, 0x97FF, 1, 2605, 0x9F16, 1, 2673, 0x8503, 1, 2746, 0x5159, 1,
          2747, 0x515B, 1, 2748, 0x515D, 2, 2771, 0x936E, 1, 2780, 0x7479, 1, 2990, 0x6D67, 1,
          3087, 0x799B, 1, 3259, 0x9097, 1, 3301, 0x975D, 1, 3436, 0x701E, 1, 3451, 0x5B28, 1,
          4136, 0x7201, 1, 4138, 0x77D7, 1, 4141, 0x7E87, 1, 4182, 0x99D6, 1, 4206, 0x91D4, 1,
          4220, 0x60DE, 1, 4230, 0x6FB6, 1, 4241, 0x8F36, 1, 4258, 0x4FBB, 1, 4273, 0x71DF, 1,
          4279, 0x9104, 1, 4282, 0x9DF0, 1, 4294, 0x83CF, 1, 4329, 0x5C10, 1, 4330, 0x79E3, 1,
          4349, 0x5A67, 1, 4419, 0x8F0B, 1, 4422, 0x7B51, 1, 4494, 0x62D0, 1, 4624, 0x6062, 1,
          4694, 0x75F9, 1, 4708, 0x6C4A, 1, 4742, 0x9B2E, 1, 4748, 0x9F17, 1, 4815, 0x50ED, 1,
          4828, 0x5F0C, 1, 4902, 0x880F, 1, 4922, 0x62CE, 1, 4982, 0x7468, 1, 4992, 0x7162, 1,
          4997, 0x7250, 1, 5432, 0x2400, 32, 5464, 0x2421, 1, 10942, 0x5EF4, 1, 10946, 0x65E0, 1,
          10948, 0x7676, 1, 10950, 0x96B6, 1, 10957, 0x3003, 1, 10958, 0x4EDD, 1, 19028, 0x5029, 1,
          19035, 0x507D, 1, 19088, 0x5305, 1, 19096, 0x5344, 1, 19112, 0x537F, 1, 19162, 0x5605, 1,
          19240, 0x5A77, 1, 19299, 0x5E75, 1, 19305, 0x5ED0, 1, 19326, 0x5F58, 1, 19355, 0x60A4, 1,
          19398, 0x6490, 1, 19439, 0x6674, 1, 19454, 0x675E, 1, 19553, 0x6C9C, 1, 19554, 0x6E1D, 1,
          19557, 0x6E2F, 1, 19611, 0x716E, 1, 19643, 0x732A, 1, 19672, 0x745C, 1, 19697, 0x74E9, 1,
          19748, 0x7809, 1,
      };
      static final int[] TABLE = big5Table();

      private static int[] big5Table() {
        int[] t = twoByte("x-MS950-HKSCS", 19782, false, p -> {
          int trail = p % 157;
          return new byte[] {(byte) (p / 157 + 0x81), (byte) (trail < 0x3F ? trail + 0x40 : trail + 0x62)};
        });
        for (int i = 0; i < CORRECTIONS.length; i += 3) {
          for (int k = 0; k < CORRECTIONS[i + 2]; k++) {
            t[CORRECTIONS[i] + k] = CORRECTIONS[i + 1] + k;
          }
        }
        return t;
      }
    }

    private interface PointerBytes {
      byte[] bytes(int pointer);
    }

    /**
     * Decodes every pointer's bytes with {@code charset}. Private Use Area answers count as none
     * unless {@code keepPrivateUse}: only the gb18030 index has such entries.
     */
    private static int[] twoByte(String charset, int size, boolean keepPrivateUse, PointerBytes bytes) {
      Charset cs = Charset.forName(charset);
      int[] t = new int[size];
      for (int p = 0; p < size; p++) {
        int c = decodeOne(cs, bytes.bytes(p));
        t[p] = !keepPrivateUse && c >= 0xE000 && c <= 0xF8FF ? -1 : c;
      }
      return t;
    }

    /** The one code point {@code cs} decodes {@code bytes} to, or -1. */
    static int decodeOne(Charset cs, byte... bytes) {
      try {
        String s = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        return !s.isEmpty() && s.codePointCount(0, s.length()) == 1 ? s.codePointAt(0) : -1;
      } catch (CharacterCodingException e) {
        return -1;
      }
    }
  }
}
