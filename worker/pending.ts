/** A promise's settle functions, kept until an answer arrives from the worker. */
export interface Pending<T> {
  resolve: (value: T) => void;
  reject: (err: Error) => void;
}
