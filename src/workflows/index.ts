// Every workflow the worker registers; the bundle's entry point.
export { probe } from './probe';
