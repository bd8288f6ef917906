package dev.microbatch.engine.dataset;

import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/** Lazy iterator adapters: the building blocks of fused narrow operations. */
public final class Iterators {
  private Iterators() {}

  static <T, U> Iterator<U> map(Iterator<T> input, Function<T, U> fn) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return input.hasNext();
      }

      @Override
      public U next() {
        return fn.apply(input.next());
      }

      @Override
      public void forEachRemaining(Consumer<? super U> action) {
        input.forEachRemaining(t -> action.accept(fn.apply(t)));
      }
    };
  }

  static <T> Iterator<T> filter(Iterator<T> input, Predicate<T> keep) {
    return new LookaheadIterator<>() {
      @Override
      protected boolean advance() {
        while (input.hasNext()) {
          T t = input.next();
          if (keep.test(t)) {
            set(t);
            return true;
          }
        }
        return false;
      }
    };
  }

  static <T, U> Iterator<U> flatMap(Iterator<T> input, Function<T, ? extends Iterable<U>> fn) {
    return new Iterator<>() {
      private Iterator<U> current = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext()) {
          if (!input.hasNext()) {
            return false;
          }
          current = fn.apply(input.next()).iterator();
        }
        return true;
      }

      @Override
      public U next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  /** An iterator that finds its next element ahead of time, in {@link #advance}. */
  public abstract static class LookaheadIterator<T> implements Iterator<T> {
    private T next;
    private boolean ready;

    /** Finds the next element and passes it to {@link #set}, or returns false at the end. */
    protected abstract boolean advance();

    protected final void set(T value) {
      next = value;
    }

    @Override
    public final boolean hasNext() {
      if (!ready) {
        ready = advance();
      }
      return ready;
    }

    @Override
    public final T next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ready = false;
      T value = next;
      next = null;
      return value;
    }
  }
}
