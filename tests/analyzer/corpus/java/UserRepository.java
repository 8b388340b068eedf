package com.example.shop;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

@Repository
public class UserRepository {
    @Autowired // expect: pattern:dependency-injection
    private JdbcTemplate jdbc;

    private static final String USERS = "users";

    private final Connection connection;

    public UserRepository(Connection connection) {
        this.connection = connection;
    }

    public ResultSet byName(String name) throws SQLException { // expect: pattern:exceptions
        Statement statement = connection.createStatement();
        return statement.executeQuery("SELECT * FROM users WHERE name = '" + name + "'"); // expect: java.sql-injection
    }

    public ResultSet byEmail(String email) throws SQLException {
        String sql = "SELECT * FROM users WHERE email = '" + email + "'"; // expect: java.sql-injection
        return connection.createStatement().executeQuery(sql);
    }

    public ResultSet byId(long id) throws SQLException {
        PreparedStatement ps = connection.prepareStatement("SELECT * FROM users WHERE id = ?"); // ok: java.sql-injection
        ps.setLong(1, id);
        return ps.executeQuery();
    }

    public int rename(String table, String name) {
        String sql = String.format("UPDATE %s SET name = ?", table); // expect: java.sql-injection
        String note = "Renaming users in " + table; // ok: java.sql-injection
        System.out.println(note); // expect: java.print-debugging
        return jdbc.update(sql, name);
    }

    public ResultSet all() throws SQLException {
        return connection.createStatement().executeQuery("SELECT * FROM " + USERS); // ok: java.sql-injection
    }

    public int limited(int limit) {
        return jdbc.update("DELETE FROM sessions WHERE age > " + 30 + " LIMIT 5"); // ok: java.sql-injection
    }

    public Object restore(InputStream in) throws IOException, ClassNotFoundException {
        try (ObjectInputStream stream = new ObjectInputStream(in)) { // expect: java.unsafe-deserialization
            return stream.readObject();
        }
    }

    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {} // expect: java.empty-catch
        try {
            connection.close();
        } catch (SQLException ignored) {} // ok: java.empty-catch
        try {
            connection.close();
        } catch (Exception e) { // expect: java.catch-generic
            e.printStackTrace(); // expect: java.print-debugging
        }
        try {
            connection.close();
        } catch (Exception e) { // ok: java.catch-generic
            throw new IllegalStateException("could not close the connection", e);
        }
        try {
            connection.close();
        } catch (SQLException e) { // ok: java.empty-catch
            // Closing twice is harmless: the driver reports it, nothing leaks.
        }
    }
}
