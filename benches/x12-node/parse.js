// The baseline of benches/x12.rs: node-x12 (npm) parses the same 271 files, each as many
// times as asked, and every EB segment's elements are read, as a caller would to map them.
// Prints one JSON line per file: {file, bytes, iterations, seconds, ebs, heldBytes}, where
// heldBytes is the heap one parsed interchange holds (measured apart from the timing).
//
//   node --expose-gc parse.js ITERATIONS FILE...
'use strict'
const fs = require('fs')
const { X12Parser } = require('node-x12')

const iterations = Number(process.argv[2])
const files = process.argv.slice(3)

function readOnce (text) {
  const interchange = new X12Parser(true).parse(text)
  let ebs = 0
  for (const group of interchange.functionalGroups) {
    for (const transaction of group.transactions) {
      for (const segment of transaction.segments) {
        if (segment.tag === 'EB') {
          ebs += segment.elements.length > 0 ? 1 : 0
          for (const element of segment.elements) {
            if (element.value === undefined) throw new Error('no value')
          }
        }
      }
    }
  }
  return ebs
}

for (const file of files) {
  const text = fs.readFileSync(file, 'utf8')
  let ebs = readOnce(text) // warm-up, and the count to compare
  const start = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) {
    ebs = readOnce(text)
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  global.gc()
  const before = process.memoryUsage().heapUsed
  const held = new X12Parser(true).parse(text)
  global.gc()
  const heldBytes = process.memoryUsage().heapUsed - before
  if (!held) throw new Error('nothing parsed')
  console.log(JSON.stringify({
    file: file.split('/').pop(), bytes: Buffer.byteLength(text), iterations, seconds, ebs, heldBytes
  }))
}
