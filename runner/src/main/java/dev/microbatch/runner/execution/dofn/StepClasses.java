package dev.microbatch.runner.execution.dofn;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One step's own copy of a class and its nested classes, defined from the same bytes. The JIT
 * profiles each call site per class: where every fused step ran the same {@link ElementDoFnRunner},
 * its calls into the DoFn's invoker and into the next step saw every step's types, so they were
 * compiled as megamorphic calls (and compiled again as later stages brought new types), and a chain
 * of steps was the same methods recursively, which the JIT inlines one level deep. With a copy per
 * step each call site sees one step's types and the chain is distinct methods.
 *
 * <p>A copy is in its own run-time package: it reaches the rest of the runner through public types
 * only, and the runner reaches it through the interfaces it implements.
 */
final class StepClasses extends ClassLoader {
  private static final Map<String, byte[]> BYTES = new ConcurrentHashMap<>();

  private final Class<?> root;

  StepClasses(Class<?> root) {
    super(root.getClassLoader());
    this.root = root;
  }

  /** A new instance of this step's copy of the root class, made by its only constructor. */
  Object newInstance(Object... arguments) {
    try {
      Constructor<?> constructor = loadClass(root.getName()).getDeclaredConstructors()[0];
      constructor.setAccessible(true);
      return constructor.newInstance(arguments);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot copy " + root.getName() + " for a step", e);
    }
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (!name.equals(root.getName()) && !name.startsWith(root.getName() + "$")) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> copy = findLoadedClass(name);
      if (copy == null) {
        byte[] bytes = BYTES.computeIfAbsent(name, this::read);
        copy = defineClass(name, bytes, 0, bytes.length, root.getProtectionDomain());
      }
      return copy;
    }
  }

  private byte[] read(String name) {
    String resource = name.replace('.', '/') + ".class";
    try (InputStream in = getParent().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("No class file " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
