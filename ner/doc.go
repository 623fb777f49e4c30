// Package ner is newslens's named-entity recogniser: a pure-Go sequence
// labeller for PER, ORG, LOC and MISC.
//
// The model is an averaged structured perceptron over hashed sparse
// features (word, lower case, shape, affixes, ±2 context words,
// capitalisation in context, sentence-initial and headline flags, a small
// GeoNames gazetteer, distributional word clusters learned from unlabelled
// Reuters news, and document features), decoded with Viterbi under BILOU
// transition constraints, so every output is a well-formed span. An
// optional second pass adds the label each word got most often elsewhere in
// the document.
//
// The trained model is embedded (model/ner.bin.gz, with model/manifest.json
// recording its data, features, hyperparameters and dev scores) and is
// rebuilt with "newslens train ner". [Default] loads it once.
package ner
