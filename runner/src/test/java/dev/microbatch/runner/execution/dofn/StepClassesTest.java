package dev.microbatch.runner.execution.dofn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class StepClassesTest {

  @Test
  void eachStepGetsItsOwnCopyOfAClassAndOfTheClassesNestedInIt() {
    Object first = new StepClasses(CopiedWithNested.class).newInstance("first");
    Object second = new StepClasses(CopiedWithNested.class).newInstance("second");

    assertEquals(CopiedWithNested.class.getName(), first.getClass().getName());
    assertNotSame(CopiedWithNested.class, first.getClass());
    assertNotSame(first.getClass(), second.getClass());
    Object nested = ((Supplier<?>) first).get();
    assertEquals(CopiedWithNested.Nested.class.getName(), nested.getClass().getName());
    assertSame(first.getClass().getClassLoader(), nested.getClass().getClassLoader());
    assertEquals("first", nested.toString());
  }

  @Test
  void aClassWhoseLoaderServesNoClassFileRunsAsItIs() throws Exception {
    Class<?> withoutClassFile = new NoClassFiles().define(CopiedWithNested.class);

    Object instance = new StepClasses(withoutClassFile).newInstance("only");

    assertSame(withoutClassFile, instance.getClass());
    assertNotEquals(CopiedWithNested.class, instance.getClass());
  }

  /** Defines classes from bytes it reads elsewhere, and serves no class file of its own. */
  private static final class NoClassFiles extends ClassLoader {
    NoClassFiles() {
      super(null);
    }

    Class<?> define(Class<?> original) throws IOException {
      String resource = original.getName().replace('.', '/') + ".class";
      try (InputStream in = original.getClassLoader().getResourceAsStream(resource)) {
        byte[] bytes = in.readAllBytes();
        return defineClass(original.getName(), bytes, 0, bytes.length);
      }
    }
  }
}

/** A class with a nested one, which uses nothing but the JDK. */
final class CopiedWithNested implements Supplier<Object> {
  private final String label;

  CopiedWithNested(String label) {
    this.label = label;
  }

  @Override
  public Object get() {
    return new Nested();
  }

  final class Nested {
    @Override
    public String toString() {
      return label;
    }
  }
}
