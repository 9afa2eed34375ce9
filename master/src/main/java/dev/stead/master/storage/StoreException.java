package dev.stead.master.storage;

/** The storage failed underneath us (disk, corruption, a closed store): never a caller error. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
