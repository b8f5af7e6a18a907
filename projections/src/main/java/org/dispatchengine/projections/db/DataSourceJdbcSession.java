package org.dispatchengine.projections.db;

import org.apache.pekko.japi.function.Function;
import org.apache.pekko.projection.jdbc.JdbcSession;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * One transaction of a JDBC projection: the read-model change and the offset are written on this connection and
 * committed together, which is what makes the projections exactly-once.
 */
public final class DataSourceJdbcSession implements JdbcSession {
  private final Connection connection;

  public DataSourceJdbcSession(DataSource dataSource) {
    try {
      this.connection = dataSource.getConnection();
      this.connection.setAutoCommit(false);
    } catch (SQLException e) {
      throw new IllegalStateException("No database connection for a projection", e);
    }
  }

  @Override
  public <Result> Result withConnection(Function<Connection, Result> func) throws Exception {
    return func.apply(connection);
  }

  @Override
  public void commit() throws SQLException {
    connection.commit();
  }

  @Override
  public void rollback() throws SQLException {
    connection.rollback();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
