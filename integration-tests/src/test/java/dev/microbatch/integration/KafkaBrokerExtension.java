package dev.microbatch.integration;

import dev.microbatch.examples.kafka.EmbeddedKafkaBroker;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class's tests one {@link EmbeddedKafkaBroker}, started on first use and stopped
 * after the class: {@code @ExtendWith(KafkaBrokerExtension.class)} and a parameter of that type.
 */
final class KafkaBrokerExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmbeddedKafkaBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    // kept in the class's store, which closes it when the class is done
    ExtensionContext classContext =
        context.getParent().filter(p -> p.getTestClass().isPresent()).orElse(context);
    return classContext
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent("broker", key -> new RunningBroker(), RunningBroker.class)
        .broker;
  }

  /** The broker as a resource JUnit closes. */
  private static final class RunningBroker implements ExtensionContext.Store.CloseableResource {
    private final EmbeddedKafkaBroker broker;

    RunningBroker() {
      try {
        broker = EmbeddedKafkaBroker.start();
      } catch (Exception e) {
        throw new IllegalStateException("Could not start the embedded Kafka broker: " + e, e);
      }
    }

    @Override
    public void close() {
      broker.close();
    }
  }
}
