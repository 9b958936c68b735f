// Every workflow the worker registers; the bundle's entry point.
export { emailDelivery } from './email-delivery';
export { probe } from './probe';
