// Stands in for react-devtools-core, which Ink loads only under DEV=true: not shipped.
export default { initialize() {}, connectToDevTools() {} };
