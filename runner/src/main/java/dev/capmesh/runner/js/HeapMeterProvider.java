package dev.capmesh.runner.js;

import com.oracle.truffle.api.instrumentation.TruffleInstrument;
import com.oracle.truffle.api.instrumentation.provider.TruffleInstrumentProvider;
import java.util.Collection;
import java.util.List;

/**
 * Makes {@link HeapMeter} known to Truffle (found by {@link java.util.ServiceLoader}). Written by
 * hand: the runner does not run Truffle's annotation processor, which would generate this class.
 */
@TruffleInstrument.Registration(id = HeapMeter.ID, name = "capmesh heap meter")
public final class HeapMeterProvider extends TruffleInstrumentProvider {
  /** Called by the service loader. */
  public HeapMeterProvider() {}

  @Override protected String getInstrumentClassName() {
    return HeapMeter.class.getName();
  }

  @Override protected Object create() {
    return new HeapMeter();
  }

  @Override protected Collection<String> getServicesClassNames() {
    return List.of(HeapMeter.Meter.class.getName());
  }
}
