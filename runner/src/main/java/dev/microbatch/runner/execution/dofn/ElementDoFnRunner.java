package dev.microbatch.runner.execution.dofn;

import static org.apache.beam.sdk.util.Preconditions.checkStateNotNull;
import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkNotNull;
import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkState;

import java.util.Collection;
import java.util.Map;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.SideInputReader;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnOutputReceivers;
import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature.Parameter;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.util.OutputBuilderSuppliers;
import org.apache.beam.sdk.util.SystemDoFnInternal;
import org.apache.beam.sdk.util.UserCodeException;
import org.apache.beam.sdk.values.OutputBuilder;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Iterables;
import org.joda.time.Instant;
import org.joda.time.format.PeriodFormat;

/**
 * Beam's SimpleDoFnRunner with a lean {@code @ProcessElement} call, for the common DoFn that reads
 * only its element (with its timestamp, window, pane, side inputs and the options) and outputs,
 * with no state, timers or restrictions: MapElements, FlatMapElements, Filter and most user DoFns.
 * SimpleDoFnRunner builds a context for every element, and an output builder, a receiver and a
 * lambda for every output (most of the 22 GB the 200 MB word count allocated); this one reuses one
 * context and hands each output on as a value with the element whose timestamp, windows and pane it
 * has (straight to the next fused step, if any), so that a fused chain builds a windowed value only
 * where one is kept. Bundles, timers and everything else stay with SimpleDoFnRunner.
 *
 * <p>It is the step a bundle hands its elements to, and makes the step's metrics container current
 * around each. Every step runs its own copy of this class ({@link StepClasses}).
 */
final class ElementDoFnRunner<InputT, OutputT>
    implements DoFnRunner<InputT, OutputT>, BundleIterator.Step<WindowedValue<InputT>> {
  private final DoFnRunner<InputT, OutputT> simple;
  private final DoFn<InputT, OutputT> fn;
  private final DoFnInvoker<InputT, OutputT> invoker;

  /** Whether each window of an element is processed on its own, as SimpleDoFnRunner decides. */
  private final boolean observesWindow;

  private final SideInputReader sideInputs;
  private final Map<String, PCollectionView<?>> sideInputMapping;
  private final boolean systemDoFn;
  private final PipelineOptions options;
  private final OutputBuffer outputs;
  private final TupleTag<OutputT> mainOutputTag;
  private final Map<TupleTag<?>, Coder<?>> outputCoders;
  private final Arguments arguments;
  private final MetricsContainer container;
  private final ThreadMetrics threadMetrics = new ThreadMetrics();

  /** The value being processed, and the element whose timestamp, windows and pane it has. */
  private InputT value;

  private WindowedValue<?> element;

  /** Whether {@code signature}'s DoFn, with no side inputs, can run through this runner. */
  static boolean supports(DoFnSignature signature) {
    return !signature.usesState()
        && !signature.usesTimers()
        && !signature.processElement().isSplittable()
        && signature.processElement().extraParameters().stream()
            .allMatch(ElementDoFnRunner::supported);
  }

  private static boolean supported(Parameter parameter) {
    return parameter instanceof Parameter.ElementParameter
        || parameter instanceof Parameter.TimestampParameter
        || parameter instanceof Parameter.WindowParameter
        || parameter instanceof Parameter.PaneInfoParameter
        || parameter instanceof Parameter.PipelineOptionsParameter
        || parameter instanceof Parameter.SideInputParameter
        || parameter instanceof Parameter.ProcessContextParameter
        || parameter instanceof Parameter.TaggedOutputReceiverParameter
        || (parameter instanceof Parameter.OutputReceiverParameter receiver
            && !receiver.isRowReceiver());
  }

  ElementDoFnRunner(
      DoFnRunner<InputT, OutputT> simple,
      DoFn<InputT, OutputT> fn,
      DoFnSignature signature,
      PipelineOptions options,
      SideInputReader sideInputs,
      Map<String, PCollectionView<?>> sideInputMapping,
      OutputBuffer outputs,
      TupleTag<OutputT> mainOutputTag,
      Map<TupleTag<?>, Coder<?>> outputCoders,
      MetricsContainer container) {
    this.simple = simple;
    this.fn = fn;
    this.invoker = DoFnInvokers.invokerFor(fn);
    // a side input is read in the element's one window
    this.observesWindow = signature.processElement().observesWindow() || !sideInputs.isEmpty();
    this.sideInputs = sideInputs;
    this.sideInputMapping = sideInputMapping;
    // as SimpleDoFnRunner tells whose code threw
    this.systemDoFn = invoker.getClass().isAnnotationPresent(SystemDoFnInternal.class);
    this.options = options;
    this.outputs = outputs;
    this.mainOutputTag = mainOutputTag;
    this.outputCoders = outputCoders;
    this.arguments = new Arguments();
    this.container = container;
  }

  @Override
  public void startBundle() {
    simple.startBundle();
  }

  @Override
  public void processElement(WindowedValue<InputT> elem) {
    acceptValue(elem.getValue(), elem);
  }

  @Override
  public void accept(WindowedValue<InputT> elem) {
    acceptValue(elem.getValue(), elem);
  }

  /**
   * Processes {@code input} in the timestamp, windows and pane of {@code elem}, with the step's
   * metrics container current; its outputs go on the same way, as values with the element they are
   * in, so that a fused chain in one window builds no windowed value per output.
   */
  @Override
  public void acceptValue(Object input, WindowedValue<?> elem) {
    MetricsContainer previous = threadMetrics.activate(container);
    try {
      if (observesWindow && elem.getWindows().size() > 1) {
        for (WindowedValue<?> inOneWindow : elem.withValue(input).explodeWindows()) {
          invoke(inOneWindow.getValue(), inOneWindow);
        }
      } else {
        invoke(input, elem);
      }
    } finally {
      threadMetrics.activate(previous);
    }
  }

  @SuppressWarnings("unchecked")
  private void invoke(Object input, WindowedValue<?> elem) {
    value = (InputT) input;
    element = elem;
    try {
      invoker.invokeProcessElement(arguments);
    } catch (Exception e) {
      throw UserCodeException.wrapIf(!systemDoFn, e);
    } finally {
      value = null;
      element = null;
    }
  }

  @Override
  public <KeyT> void onTimer(
      String timerId,
      String timerFamilyId,
      KeyT key,
      BoundedWindow window,
      Instant timestamp,
      Instant outputTimestamp,
      TimeDomain timeDomain) {
    simple.onTimer(timerId, timerFamilyId, key, window, timestamp, outputTimestamp, timeDomain);
  }

  @Override
  public void finishBundle() {
    simple.finishBundle();
  }

  @Override
  public <KeyT> void onWindowExpiration(BoundedWindow window, Instant timestamp, KeyT key) {
    simple.onWindowExpiration(window, timestamp, key);
  }

  @Override
  public DoFn<InputT, OutputT> getFn() {
    return fn;
  }

  private <T> void output(TupleTag<T> tag, WindowedValue<T> value) {
    checkTag(tag);
    outputs.output(tag, value);
  }

  /** {@code view} in the side input window of the element's one window (SimpleDoFnRunner's). */
  private <T> T sideInput(PCollectionView<T> view) {
    checkNotNull(view, "View passed to sideInput cannot be null");
    if (!sideInputs.contains(view)) {
      throw new IllegalArgumentException("calling sideInput() with unknown view");
    }
    BoundedWindow window = Iterables.getOnlyElement(element.getWindows());
    return sideInputs.get(view, view.getWindowMappingFn().getSideInputWindow(window));
  }

  private void checkTag(TupleTag<?> tag) {
    if (tag != mainOutputTag && !outputCoders.containsKey(tag)) {
      throw new IllegalArgumentException("Unknown output tag " + tag);
    }
  }

  /**
   * {@code output} in the element's windows and pane, at its timestamp. The next step of a fused
   * chain is called from here, not from the buffer shared by every step: each step has its own copy
   * of this class ({@link StepClasses}), so this call site sees one step's successor only.
   */
  private <T> void outputValue(TupleTag<T> tag, T output) {
    checkTag(tag);
    BundleIterator.Step<Object> next = outputs.pushedTo();
    if (next == null) {
      outputs.outputValue(tag, output, element);
      return;
    }
    try {
      next.acceptValue(output, element);
    } catch (Exception e) {
      throw UserCodeException.wrapIf(!(e instanceof RuntimeException), e);
    }
  }

  /** {@code value} in the element's windows and pane, at {@code timestamp}. */
  private <T> void outputWithTimestamp(TupleTag<T> tag, T value, Instant timestamp) {
    output(tag, value, timestamp, element.getWindows(), element.getPaneInfo());
  }

  private <T> void output(
      TupleTag<T> tag,
      T value,
      Instant timestamp,
      Collection<? extends BoundedWindow> windows,
      PaneInfo pane) {
    checkTimestamp(timestamp);
    output(tag, WindowedValues.of(value, timestamp, windows, pane));
  }

  /** Beam's rule and message (SimpleDoFnRunner.checkTimestamp). */
  @SuppressWarnings(
      "deprecation") // the allowed skew is deprecated for users, but must be respected
  private void checkTimestamp(Instant timestamp) {
    Instant lowerBound;
    try {
      lowerBound = element.getTimestamp().minus(fn.getAllowedTimestampSkew());
    } catch (ArithmeticException e) {
      lowerBound = BoundedWindow.TIMESTAMP_MIN_VALUE;
    }
    if (timestamp.isBefore(lowerBound) || timestamp.isAfter(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot output with timestamp %s. Output timestamps must be no earlier than the "
                  + "timestamp of the current input or timer (%s) minus the allowed skew (%s) and no "
                  + "later than %s. See the DoFn#getAllowedTimestampSkew() Javadoc for details "
                  + "on changing the allowed skew.",
              timestamp,
              element.getTimestamp(),
              fn.getAllowedTimestampSkew().getMillis() >= Integer.MAX_VALUE
                  ? fn.getAllowedTimestampSkew()
                  : PeriodFormat.getDefault().print(fn.getAllowedTimestampSkew().toPeriod()),
              BoundedWindow.TIMESTAMP_MAX_VALUE));
    }
  }

  /** An output receiver for one tag: a plain output is the element's windowed value, re-valued. */
  private final class Receiver<T> implements DoFn.OutputReceiver<T> {
    private final TupleTag<T> tag;

    Receiver(TupleTag<T> tag) {
      this.tag = tag;
    }

    @Override
    public void output(T value) {
      outputValue(tag, value);
    }

    @Override
    public void outputWithTimestamp(T value, Instant timestamp) {
      ElementDoFnRunner.this.outputWithTimestamp(tag, value, timestamp);
    }

    @Override
    public void outputWindowedValue(
        T value, Instant timestamp, Collection<? extends BoundedWindow> windows, PaneInfo pane) {
      ElementDoFnRunner.this.output(tag, value, timestamp, windows, pane);
    }

    @Override
    public OutputBuilder<T> builder(T value) {
      return OutputBuilderSuppliers.supplierForElement(element)
          .builder(value)
          .setReceiver(
              wv -> {
                checkTimestamp(wv.getTimestamp());
                ElementDoFnRunner.this.output(tag, wv);
              });
    }
  }

  /** The @ProcessElement call's arguments and context, one for every element of the runner. */
  private final class Arguments extends DoFnInvoker.BaseArgumentProvider<InputT, OutputT> {
    private final Receiver<OutputT> main = new Receiver<>(mainOutputTag);

    // Made when the DoFn first asks for them: most DoFns take neither, and each is a class
    // that every step's copy of this runner would load (see StepClasses).
    private DoFn.MultiOutputReceiver tagged;
    private DoFn<InputT, OutputT>.ProcessContext context;

    private DoFn.MultiOutputReceiver newTagged() {
      return new DoFn.MultiOutputReceiver() {
        @Override
        public <T> DoFn.OutputReceiver<T> get(TupleTag<T> tag) {
          return new Receiver<>(tag);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> DoFn.OutputReceiver<Row> getRowReceiver(TupleTag<T> tag) {
          Coder<?> coder = outputCoders.get(tag);
          checkState(coder != null, "No output tag for %s", tag);
          checkState(
              coder instanceof SchemaCoder,
              "Output with tag %s must have a schema in order to call getRowReceiver",
              tag);
          // as SimpleDoFnRunner's: each Row becomes the output's type, in the element's window
          return DoFnOutputReceivers.rowReceiver(
              processContext(fn),
              OutputBuilderSuppliers.supplierForElement(element),
              tag,
              (SchemaCoder<T>) coder);
        }
      };
    }

    private DoFn<InputT, OutputT>.ProcessContext newContext() {
      return fn.new ProcessContext() {
        @Override
        public InputT element() {
          return value;
        }

        @Override
        public <T> T sideInput(PCollectionView<T> view) {
          return ElementDoFnRunner.this.sideInput(view);
        }

        @Override
        public Instant timestamp() {
          return element.getTimestamp();
        }

        @Override
        public PaneInfo pane() {
          return element.getPaneInfo();
        }

        @Override
        public String currentRecordId() {
          return element.getRecordId();
        }

        @Override
        public Long currentRecordOffset() {
          return element.getRecordOffset();
        }

        @Override
        public PipelineOptions getPipelineOptions() {
          return options;
        }

        @Override
        public void output(OutputT output) {
          main.output(output);
        }

        @Override
        public void outputWithTimestamp(OutputT output, Instant timestamp) {
          main.outputWithTimestamp(output, timestamp);
        }

        @Override
        public void outputWindowedValue(
            OutputT output,
            Instant timestamp,
            Collection<? extends BoundedWindow> windows,
            PaneInfo pane) {
          main.outputWindowedValue(output, timestamp, windows, pane);
        }

        @Override
        public <T> void output(TupleTag<T> tag, T output) {
          outputValue(tag, output);
        }

        @Override
        public <T> void outputWithTimestamp(TupleTag<T> tag, T output, Instant timestamp) {
          ElementDoFnRunner.this.outputWithTimestamp(tag, output, timestamp);
        }

        @Override
        public <T> void outputWindowedValue(
            TupleTag<T> tag,
            T output,
            Instant timestamp,
            Collection<? extends BoundedWindow> windows,
            PaneInfo pane) {
          ElementDoFnRunner.this.output(tag, output, timestamp, windows, pane);
        }
      };
    }

    @Override
    public InputT element(DoFn<InputT, OutputT> doFn) {
      return value;
    }

    @Override
    public Instant timestamp(DoFn<InputT, OutputT> doFn) {
      return element.getTimestamp();
    }

    @Override
    public BoundedWindow window() {
      return element.getWindows().iterator().next();
    }

    @Override
    public PaneInfo paneInfo(DoFn<InputT, OutputT> doFn) {
      return element.getPaneInfo();
    }

    @Override
    public PipelineOptions pipelineOptions() {
      return options;
    }

    @Override
    public Object sideInput(String tagId) {
      PCollectionView<?> view =
          checkStateNotNull(sideInputMapping.get(tagId), "Side input tag %s not found", tagId);
      return ElementDoFnRunner.this.sideInput(view);
    }

    @Override
    public DoFn<InputT, OutputT>.ProcessContext processContext(DoFn<InputT, OutputT> doFn) {
      if (context == null) {
        context = newContext();
      }
      return context;
    }

    @Override
    public DoFn.OutputReceiver<OutputT> outputReceiver(DoFn<InputT, OutputT> doFn) {
      return main;
    }

    @Override
    public DoFn.MultiOutputReceiver taggedOutputReceiver(DoFn<InputT, OutputT> doFn) {
      if (tagged == null) {
        tagged = newTagged();
      }
      return tagged;
    }

    @Override
    public String getErrorContext() {
      return "ElementDoFnRunner/ProcessElement";
    }
  }
}
