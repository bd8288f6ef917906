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
  /** The class files read so far, per root class (a class of that name in one loader). */
  private static final ClassValue<Map<String, byte[]>> BYTES =
      new ClassValue<>() {
        @Override
        protected Map<String, byte[]> computeValue(Class<?> root) {
          return new ConcurrentHashMap<>();
        }
      };

  private final Class<?> root;

  /** Whether the root's class file can be read, and so the root and its nested classes copied. */
  private final boolean copies;

  StepClasses(Class<?> root) {
    super(root.getClassLoader());
    this.root = root;
    this.copies = bytes(root.getName()) != null;
  }

  /** A new instance of this step's copy of the root class, made by its only constructor. */
  Object newInstance(Object... arguments) {
    try {
      Constructor<?> constructor = loadClass(root.getName()).getDeclaredConstructors()[0];
      constructor.setAccessible(true);
      return constructor.newInstance(arguments);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot copy " + root.getName() + " for a step", e);
    }
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (!copies || !name.equals(root.getName()) && !name.startsWith(root.getName() + "$")) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> copy = findLoadedClass(name);
      if (copy == null) {
        byte[] bytes = bytes(name);
        if (bytes == null) {
          throw new ClassNotFoundException("No class file for " + name + " to copy");
        }
        copy = defineClass(name, bytes, 0, bytes.length, root.getProtectionDomain());
      }
      return copy;
    }
  }

  /** The class file of {@code name} as the root's loader serves it, or null if it serves none. */
  private byte[] bytes(String name) {
    byte[] bytes = BYTES.get(root).get(name);
    if (bytes != null) {
      return bytes;
    }
    ClassLoader loader = getParent();
    if (loader == null) {
      return null;
    }
    String resource = name.replace('.', '/') + ".class";
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        return null;
      }
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    BYTES.get(root).put(name, bytes);
    return bytes;
  }
}
