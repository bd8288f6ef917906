package dev.microbatch.runner.execution.dofn;

import dev.microbatch.engine.dataset.Broadcast;
import dev.microbatch.engine.scheduler.TaskContext;
import dev.microbatch.runner.execution.StepEnvironment;
import dev.microbatch.runner.execution.metrics.PerTaskMetrics;
import dev.microbatch.runner.execution.sideinput.BroadcastSideInputReader;
import dev.microbatch.runner.execution.sideinput.PushedBack;
import dev.microbatch.runner.execution.sideinput.SideInputValues;
import dev.microbatch.runner.execution.state.KeyedStepContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.InMemoryBundleFinalizer;
import org.apache.beam.runners.core.PushbackSideInputDoFnRunner;
import org.apache.beam.runners.core.SimplePushbackSideInputDoFnRunner;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Instant;

/**
 * Everything needed to run one ParDo application in a task: a set-up DoFn instance (see {@link
 * DoFnInstances}), its side inputs, its outputs and metrics.
 */
@Internal
public final class DoFnExecution<InputT, OutputT> {
  private final DoFnInstances<InputT, OutputT> instances;
  private final String stepName;
  private final PipelineOptions options;
  private final TupleTag<OutputT> mainOutputTag;
  private final List<TupleTag<?>> additionalOutputTags;
  private final Coder<InputT> inputCoder;
  private final Map<TupleTag<?>, Coder<?>> outputCoders = new HashMap<>();
  private final WindowingStrategy<?, ?> windowingStrategy;
  private final DoFnSchemaInformation schemaInformation;
  private final Map<String, PCollectionView<?>> sideInputMapping;
  private final Map<TupleTag<?>, Broadcast<SideInputValues>> sideInputs = new HashMap<>();
  private final PerTaskMetrics metrics;

  /**
   * This step's own copy of {@link ElementDoFnRunner}, whose classes are defined when a task first
   * needs them; shared by the executions of every batch.
   */
  private final StepClasses stepClasses;

  public DoFnExecution(ParDo.MultiOutput<InputT, OutputT> transform, StepEnvironment context) {
    this(
        transform.getFn(),
        transform.getMainOutputTag(),
        transform.getAdditionalOutputTags().getAll(),
        transform.getSideInputs(),
        // what ParDoTranslation.getSchemaInformation would find, without a round trip of the
        // whole transform through its proto (the DoFn serialized and read back)
        ParDo.getDoFnSchemaInformation(transform.getFn(), context.input()),
        context);
  }

  /** For a DoFn the runner applies itself, such as a splittable DoFn's ProcessFn. */
  public DoFnExecution(
      DoFn<InputT, OutputT> fn,
      TupleTag<OutputT> mainOutputTag,
      List<TupleTag<?>> additionalOutputTags,
      Map<String, PCollectionView<?>> sideInputMapping,
      DoFnSchemaInformation schemaInformation,
      StepEnvironment context) {
    PCollection<InputT> input = context.input();
    // Generates the DoFn's invoker class (Beam caches it by the DoFn's class) while the pipeline is
    // translated, as Flink does when it opens an operator: else the first batch that has data pays
    // for it, half a second for a word count's DoFns with the JVM cold, in the latency of its
    // panes. On a thread of its own, so that the translation goes on meanwhile; a task that needs
    // the invoker first waits for it in Beam's cache, and a DoFn that has none fails there.
    CompletableFuture.runAsync(() -> DoFnInvokers.invokerFor(fn));
    this.stepName = context.stepName();
    this.options = context.options();
    this.instances =
        new DoFnInstances<>(SerializableUtils.serializeToByteArray(fn), stepName, options);
    context.atPipelineEnd(instances::close);
    this.mainOutputTag = mainOutputTag;
    this.additionalOutputTags = new ArrayList<>(additionalOutputTags);
    this.inputCoder = input.getCoder();
    context.outputs().forEach((tag, pc) -> outputCoders.put(tag, pc.getCoder()));
    this.windowingStrategy = input.getWindowingStrategy();
    this.schemaInformation = schemaInformation;
    this.sideInputMapping = sideInputMapping;
    this.metrics = context.taskMetrics();
    this.stepClasses = new StepClasses(ElementDoFnRunner.class);
  }

  private DoFnExecution(
      DoFnExecution<InputT, OutputT> base,
      Function<PCollectionView<?>, Broadcast<SideInputValues>> sideInput) {
    this.instances = base.instances;
    this.stepName = base.stepName;
    this.options = base.options;
    this.mainOutputTag = base.mainOutputTag;
    this.additionalOutputTags = base.additionalOutputTags;
    this.inputCoder = base.inputCoder;
    this.outputCoders.putAll(base.outputCoders);
    this.windowingStrategy = base.windowingStrategy;
    this.schemaInformation = base.schemaInformation;
    this.sideInputMapping = base.sideInputMapping;
    this.metrics = base.metrics;
    this.stepClasses = base.stepClasses;
    for (PCollectionView<?> view : sideInputMapping.values()) {
      sideInputs.put(view.getTagInternal(), sideInput.apply(view));
    }
  }

  /**
   * This execution reading its side inputs from the broadcasts {@code sideInput} gives (in
   * streaming mode, those of one batch).
   */
  public DoFnExecution<InputT, OutputT> withSideInputs(
      Function<PCollectionView<?>, Broadcast<SideInputValues>> sideInput) {
    return new DoFnExecution<>(this, sideInput);
  }

  public boolean hasSideInputs() {
    return !sideInputMapping.isEmpty();
  }

  /** Whether the ParDo has outputs besides the main one, so its records carry their tags. */
  public boolean isMultiOutput() {
    return outputCoders.size() > 1;
  }

  public List<Broadcast<?>> broadcasts() {
    return List.copyOf(sideInputs.values());
  }

  public Coder<InputT> inputCoder() {
    return inputCoder;
  }

  public WindowingStrategy<?, ?> windowingStrategy() {
    return windowingStrategy;
  }

  /** A set-up instance of the user's DoFn for this task, which has it until it ends. */
  public DoFn<InputT, OutputT> instantiate(TaskContext task) {
    return instances.take(task);
  }

  /** Beam's own DoFnRunner for {@code fn} in {@code task}, reporting metrics under this step. */
  @SuppressWarnings("unchecked") // this step's copy of ElementDoFnRunner, a DoFnRunner of its types
  public MeteredDoFnRunner<InputT, OutputT> runner(
      DoFn<InputT, OutputT> fn, StepContext stepContext, OutputBuffer output, TaskContext task) {
    DoFnRunner<InputT, OutputT> runner =
        DoFnRunners.simpleRunner(
            options,
            fn,
            sideInputReader(),
            output,
            mainOutputTag,
            additionalOutputTags,
            stepContext,
            inputCoder,
            outputCoders,
            windowingStrategy,
            schemaInformation,
            sideInputMapping);
    DoFnSignature signature = DoFnSignatures.getSignature(fn.getClass());
    MetricsContainer container = metrics.forTask(task);
    if (ElementDoFnRunner.supports(signature)) {
      runner =
          (DoFnRunner<InputT, OutputT>)
              stepClasses.newInstance(
                  runner,
                  fn,
                  signature,
                  options,
                  sideInputReader(),
                  sideInputMapping,
                  output,
                  mainOutputTag,
                  outputCoders,
                  container);
    }
    return new MeteredDoFnRunner<>(runner, container);
  }

  /**
   * Starts a bundle on {@code runner}; returns how it takes each element. With side inputs not all
   * complete (streaming mode), the windows whose side inputs are not ready yet are pushed back:
   * they go to {@code output} as {@link PushedBack} records, to be tried again in the next batch.
   */
  BundleIterator.Step<WindowedValue<InputT>> startBundle(
      MeteredDoFnRunner<InputT, OutputT> runner, OutputBuffer output) {
    BroadcastSideInputReader reader = sideInputReader();
    if (!hasSideInputs() || reader.complete()) {
      runner.startBundle();
      return runner.elements();
    }
    PushbackSideInputDoFnRunner<InputT, OutputT> pushback =
        SimplePushbackSideInputDoFnRunner.create(runner, sideInputMapping.values(), reader);
    pushback.startBundle();
    return element -> {
      for (WindowedValue<InputT> later : pushback.processElementInReadyWindows(element)) {
        output.queue().add(new PushedBack(later));
      }
    };
  }

  /** Whether every side input is ready for a main input element in {@code window}. */
  public boolean sideInputsReady(BoundedWindow window) {
    BroadcastSideInputReader reader = sideInputReader();
    for (PCollectionView<?> view : sideInputMapping.values()) {
      if (!reader.isReady(view, view.getWindowMappingFn().getSideInputWindow(window))) {
        return false;
      }
    }
    return true;
  }

  public PipelineOptions options() {
    return options;
  }

  public TupleTag<OutputT> mainOutputTag() {
    return mainOutputTag;
  }

  public BroadcastSideInputReader sideInputReader() {
    return new BroadcastSideInputReader(sideInputs);
  }

  /**
   * Ends a bundle of {@code runner} whose outputs the caller hands on itself: returns what
   * finishing it output, after running the callbacks the bundle registered.
   */
  public static List<Object> finishBundle(
      DoFnRunner<?, ?> runner, KeyedStepContext step, OutputBuffer output) throws Exception {
    runner.finishBundle();
    List<Object> outputs = output.drain();
    finalizeBundle(step.finalizer());
    return outputs;
  }

  /** Runs the callbacks a bundle registered, now that its outputs are handed on. */
  public static void finalizeBundle(InMemoryBundleFinalizer finalizer) throws Exception {
    for (InMemoryBundleFinalizer.Finalization f : finalizer.getAndClearFinalizations()) {
      if (f.getExpiryTime().isAfter(Instant.now())) {
        f.getCallback().onBundleSuccess();
      }
    }
  }
}
