// Turns one byte-stream case into a plain record: each case is the body of an async function
// (made with new Function) that returns the record. See url.runner.js.
(function () {
  return async function run(c) {
    try {
      const body = new Function('return (async () => {\n' + c.code + '\n})();');
      return await body();
    } catch (e) { return { throws: e.name }; }
  };
})()
