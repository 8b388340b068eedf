package com.example.shop;

import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.io.PrintWriter;
import java.util.List;

public class Tools {
    public static class ExportFailed extends RuntimeException { // expect: pattern:custom-exceptions
        public ExportFailed(String message) {
            super(message);
        }
    }

    public Process archive(String dir) throws IOException {
        return Runtime.getRuntime().exec("tar czf /tmp/a.tgz " + dir); // expect: java.command-injection
    }

    public Process list() throws IOException {
        return Runtime.getRuntime().exec("ls -l /tmp"); // ok: java.command-injection
    }

    public Process list(String dir) throws IOException {
        return Runtime.getRuntime().exec(new String[] {"ls", "-l", dir}); // ok: java.command-injection
    }

    public Process script(String name) throws IOException {
        return new ProcessBuilder("sh", "-c", "echo " + name).start(); // expect: java.command-injection
    }

    public Process plain(String name) throws IOException {
        return new ProcessBuilder("echo", name).start(); // ok: java.command-injection
    }

    @SuppressWarnings("unchecked")
    public List<String> names(InputStream in) throws IOException, ClassNotFoundException {
        try (ObjectInputStream stream = new ObjectInputStream(in) { // ok: java.unsafe-deserialization
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc)
                    throws IOException, ClassNotFoundException {
                if (!desc.getName().startsWith("java.util.")) {
                    throw new InvalidClassException(desc.getName(), "not allowed");
                }
                return super.resolveClass(desc);
            }
        }) {
            return (List<String>) stream.readObject();
        }
    }

    public void report(Exception e, PrintWriter out) {
        e.printStackTrace(out); // ok: java.print-debugging
    }

    public static void main(String[] args) {
        System.out.println("usage: tools <dir>"); // ok: java.print-debugging
    }
}
