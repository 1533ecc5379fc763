// Written by the modeller's work: builds web/static/js/modeller.bundle.js (not yet).
console.log('build_modeller: nothing to build yet');
