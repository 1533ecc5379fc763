// Written by the modeller's work: builds web/static/js/dmn.bundle.js (not yet).
console.log('build_dmn: nothing to build yet');
