package com.example.shop;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.mockito.Mock;

class ToolsTest {
    @Mock // expect: pattern:mocking
    private Tools tools;

    @Test // expect: pattern:unit-tests
    void archiveFailsWithoutDirectory() {
        System.out.println("printing in a test is fine"); // ok: java.print-debugging
        assertThrows(NullPointerException.class, () -> tools.archive(null));
    }
}
