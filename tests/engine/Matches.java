// SPDX-License-Identifier: GPL-2.0-or-later
// What oVirt Engine does with a custom property value: String.matches(regex)
// (CustomPropertiesUtils.validateProperties). For the Engine regex test:
//   java Matches.java REGEX < NUL-terminated values    prints ok or no per value
import java.io.IOException;
import java.nio.charset.StandardCharsets;

public class Matches {
    public static void main(String[] args) throws IOException {
        byte[] all = System.in.readAllBytes();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] != 0)
                continue;
            String value = new String(all, start, i - start, StandardCharsets.UTF_8);
            System.out.println(value.matches(args[0]) ? "ok" : "no");
            start = i + 1;
        }
    }
}
