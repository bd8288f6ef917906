package dev.microbatch.runner.execution.sideinput;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.beam.runners.core.InMemoryMultimapSideInputView;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Materializations.MultimapView;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;

class HashedMultimapViewTest {
  @Test
  void everyKeyFindsTheValuesBeamsViewFindsInTheirOrderWhetherKeysAreCloseOrFarApart() {
    for (long spacing : new long[] {1, 3, 1_000_003, Long.MAX_VALUE / 10_000}) {
      Random random = new Random(3);
      List<KV<Long, String>> elements = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        long key = random.nextInt(15_000) * spacing; // a third of the keys have two values or more
        elements.add(KV.of(key, "value " + i));
      }
      elements.add(KV.of(7 * spacing, null)); // a null value is a value
      elements.add(KV.of(-spacing, "below"));

      MultimapView<Long, String> beams =
          InMemoryMultimapSideInputView.fromIterable(VarLongCoder.of(), elements);
      MultimapView<Long, String> hashed = new HashedMultimapView<>(VarLongCoder.of(), elements);

      for (long n = -5; n < 15_005; n++) {
        for (long key : new long[] {n * spacing, n * spacing + 1}) {
          assertEquals(list(beams.get(key)), list(hashed.get(key)), "key " + key);
        }
      }
    }
  }

  @Test
  void integerKeysCloseTogetherFindTheirValues() {
    List<KV<Integer, Integer>> elements = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      elements.add(KV.of(1_000_000 + i % 700, i));
    }
    MultimapView<Integer, Integer> beams =
        InMemoryMultimapSideInputView.fromIterable(VarIntCoder.of(), elements);
    MultimapView<Integer, Integer> hashed = new HashedMultimapView<>(VarIntCoder.of(), elements);

    for (int key = 999_990; key < 1_000_710; key++) {
      assertEquals(list(beams.get(key)), list(hashed.get(key)), "key " + key);
    }
  }

  @Test
  void keysAreEqualWhenTheirCodersStructuralValuesAreNotWhenTheyAreTheSameObject() {
    List<KV<byte[], Integer>> elements =
        List.of(KV.of(new byte[] {1, 2}, 1), KV.of(new byte[] {3}, 2), KV.of(new byte[] {1, 2}, 3));
    MultimapView<byte[], Integer> hashed = new HashedMultimapView<>(ByteArrayCoder.of(), elements);

    assertEquals(List.of(1, 3), list(hashed.get(new byte[] {1, 2})));
    assertEquals(List.of(2), list(hashed.get(new byte[] {3})));
    assertEquals(List.of(), list(hashed.get(new byte[] {1})));
  }

  @Test
  void aNullKeyIsAKeyLikeAnyOther() {
    Coder<String> keyCoder = NullableCoder.of(StringUtf8Coder.of());
    List<KV<String, Integer>> elements =
        Arrays.asList(KV.of(null, 1), KV.of("a", 2), KV.of(null, 3));
    MultimapView<String, Integer> hashed = new HashedMultimapView<>(keyCoder, elements);

    assertEquals(List.of(1, 3), list(hashed.get(null)));
    assertEquals(List.of(2), list(hashed.get("a")));
  }

  @Test
  void allKeysComeInTheOrderOfBeamsViewThoughTheirHashesCollide() {
    // "Aa" and "BB" share a hash code, so every string of four of them does: 16 keys in one of the
    // hash map's bins, which it makes a tree, among 600 others
    List<String> colliding = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      StringBuilder key = new StringBuilder();
      for (int bit = 0; bit < 4; bit++) {
        key.append((i >> bit & 1) == 0 ? "Aa" : "BB");
      }
      colliding.add(key.toString());
    }
    List<KV<String, Integer>> elements = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      String key = i % 3 == 0 ? colliding.get(i * 7 % 16) : "key " + (i * 7919 % 600);
      elements.add(KV.of(key, i));
    }

    assertEquals(
        list(InMemoryMultimapSideInputView.fromIterable(StringUtf8Coder.of(), elements).get()),
        list(new HashedMultimapView<>(StringUtf8Coder.of(), elements).get()));
  }

  private static <T> List<T> list(Iterable<T> values) {
    List<T> list = new ArrayList<>();
    values.forEach(list::add);
    return list;
  }
}
