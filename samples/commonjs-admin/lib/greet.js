exports.greet = (who) => `Hello, ${who}, from CommonJS`;
